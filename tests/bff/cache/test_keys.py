"""Cache key names: private keys name no owner and no id in clear and share one Redis Cluster
hash tag per owner; shared keys are readable; the namespace moves with the configured version
and with the records' shapes."""

from __future__ import annotations

import os

from redis.crc import key_slot

from bff.cache.codec import codec_for
from bff.cache.crypto import KEY_BYTES, CacheCipher
from bff.cache.keys import KeySpace, namespace
from bff.cache.policies import policies
from bff.domain.records import ContractKey
from tests.bff.schema.harness import shared_world

POLICIES = policies()
SHAPES = [f"{p.name}={codec_for(p.value_type).shape}" for p in POLICIES.values()]


def keyspace(cipher: CacheCipher | None = None) -> KeySpace:
    return KeySpace(namespace("1", SHAPES), cipher or CacheCipher(os.urandom(KEY_BYTES)))


def hash_tag(key: str) -> str:
    return key[key.index("{") + 1 : key.index("}")]


def test_private_keys_carry_no_owner_and_no_id_in_clear() -> None:
    world = shared_world()
    keys = keyspace()
    persona = world.personas["strategy-investor"]
    assert persona.party_id is not None
    contract = next(iter(world.contracts_of_party(persona.party_id)))
    contract_key = ContractKey(contract.base, contract.suffix)
    digits = contract_key.digits
    names = [
        keys.key(POLICIES["party"], persona.party_id, persona.party_id),
        keys.key(POLICIES["life_details"], f"customer:{persona.party_id}", str(contract_key)),
        keys.key(POLICIES["contracts_of_party"], persona.party_id, persona.party_id),
    ]
    for name in names:
        assert persona.party_id not in name
        assert digits not in name and str(contract.base) not in name
        assert name.startswith(keys.prefix + ":")


def test_one_owners_private_keys_share_one_hash_tag_and_slot() -> None:
    keys = keyspace()
    owner = "customer:P0000807"
    names = [
        keys.key(POLICIES[policy], owner, ident)
        for policy in ("life_details", "allocation", "reserve_history", "contract")
        for ident in ("ContractKey(base=3055563, suffix=1)", "ContractKey(base=7132772, suffix=1)")
    ]
    assert len(set(names)) == len(names)
    assert {hash_tag(n) for n in names} == {hash_tag(names[0])}
    assert hash_tag(names[0]).startswith("p:")
    assert len({key_slot(n.encode()) for n in names}) == 1


def test_different_owners_get_different_tags_for_the_same_id() -> None:
    keys = keyspace()
    ident = "ContractKey(base=3055563, suffix=1)"
    mine = keys.key(POLICIES["life_details"], "customer:P0000807", ident)
    theirs = keys.key(POLICIES["life_details"], "broker:0367157866", ident)
    assert mine != theirs and hash_tag(mine) != hash_tag(theirs)


def test_private_key_names_depend_on_the_cache_key() -> None:
    owner, ident = "P0000807", "P0000807"
    assert keyspace().key(POLICIES["party"], owner, ident) != keyspace().key(
        POLICIES["party"], owner, ident
    )
    cipher = CacheCipher(os.urandom(KEY_BYTES))
    assert keyspace(cipher).key(POLICIES["party"], owner, ident) == keyspace(cipher).key(
        POLICIES["party"], owner, ident
    )


def test_shared_keys_are_readable_and_one_policy_shares_a_tag() -> None:
    world = shared_world()
    keys = keyspace()
    isins = sorted(world.funds)[:3]
    names = [keys.key(POLICIES["fund"], isin, isin) for isin in isins]
    for isin, name in zip(isins, names, strict=True):
        assert name == f"{keys.prefix}:fund:{{r:fund}}:{isin}"
    assert len({key_slot(n.encode()) for n in names}) == 1
    broker = keys.key(POLICIES["broker"], "0367157866", "0367157866")
    assert broker.endswith(":broker:{r:broker}:0367157866")


def test_the_namespace_changes_with_the_version_and_with_the_shapes() -> None:
    base = namespace("1", SHAPES)
    assert base.startswith("bff:c1-")
    assert namespace("1", SHAPES) == base
    assert namespace("1", list(reversed(SHAPES))) == base  # order of the policies is no change
    assert namespace("2", SHAPES) != base
    changed = [*SHAPES[:-1], SHAPES[-1] + "x"]
    assert namespace("1", changed) != base
    assert namespace("1", [*SHAPES, "extra=int"]) != base
