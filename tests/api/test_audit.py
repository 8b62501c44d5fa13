# SPDX-License-Identifier: MIT
"""The audit log records every handshake and organization change, with who
did it, in the same transaction (issue 5: "Audit log")."""

from conftest import client


def test_handshake_and_membership_changes_are_audited(srv, new_account):
    msp, cust, other = new_account(), new_account(), new_account()
    m = client(srv, msp)
    org = m.create_organization()["Organization"]["Id"]
    srv.cli("msp", "set", msp.id, "--json")
    hs = m.invite_account_to_organization(Target={"Id": cust.id, "Type": "ACCOUNT"})["Handshake"]
    client(srv, cust).accept_handshake(HandshakeId=hs["Id"])
    hs2 = m.invite_account_to_organization(Target={"Id": other.id, "Type": "ACCOUNT"})["Handshake"]
    m.cancel_handshake(HandshakeId=hs2["Id"])
    srv.cli("account", "set-billing-info", cust.id, "--payment-method", "Visa", "--phone", "+1 555 0100")
    client(srv, cust).leave_organization()

    entries = srv.cli("audit", "--json")["Entries"]
    seen = [(e["Actor"], e["Action"], e["Object"]) for e in entries]
    assert (msp.id, "organization.create", org) in seen
    assert (msp.id, "handshake.invite", hs["Id"]) in seen
    assert (cust.id, "handshake.accept", hs["Id"]) in seen
    assert (msp.id, "handshake.cancel", hs2["Id"]) in seen
    assert (cust.id, "organization.leave", org) in seen
    # Append-only and in order.
    ids = [e["Id"] for e in entries]
    assert ids == sorted(ids) or ids == sorted(ids, reverse=True)


def test_failed_change_writes_no_audit_row(srv, new_account):
    msp, cust = new_account(), new_account()
    m = client(srv, msp)
    m.create_organization()
    srv.cli("msp", "set", msp.id, "--json")
    before = len(srv.cli("audit", "--json")["Entries"])
    try:
        m.invite_account_to_organization(Target={"Id": "12", "Type": "ACCOUNT"})
    except m.exceptions.InvalidInputException:
        pass
    assert len(srv.cli("audit", "--json")["Entries"]) == before
