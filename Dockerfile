# syntax=docker/dockerfile:1
# The BFF alone (`bff serve`); backends, identity providers and secrets come from BFF_* variables.

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bff ./bff
COPY sandbox ./sandbox
RUN python -m pip install --no-cache-dir --upgrade pip \
 && python -m pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    BFF_ENVIRONMENT=production \
    BFF_HOST=0.0.0.0 \
    BFF_PORT=8000
RUN groupadd --system --gid 10001 bff \
 && useradd --system --uid 10001 --gid bff --no-create-home --shell /usr/sbin/nologin bff
COPY --from=build /wheels /wheels
RUN python -m pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
ENTRYPOINT ["bff"]
CMD ["serve"]
