"""conversation ids namespaced by channel: `sms:<phone>`, `wechat:<OpenID>`, `web:<id>`, `rest:<id>`

Revision ID: 0005_conversation_ids
Revises: 0004
Create Date: 2026-12-06 01:00:00

Rows that name a channel's user (tickets, bindings, verification tries, subscriptions, the
inbound and outbound ledgers, opt-outs, pending options, surveys, hand-offs) used the bare
identity, an id space the channels shared. They now hold the conversation id the channel gives
its user (bot.channels.ids); this rewrites existing rows once. The namespaces are written out
here rather than imported, so the migration does not move with the code.

Rasa's own tracker store is not rewritten: a conversation kept under a bare id stays readable to
operators but no channel reaches it again (docs/security.md, "Cut-over").
"""

from __future__ import annotations

from alembic import op

revision = "0005_conversation_ids"
down_revision = "0004"
branch_labels = None
depends_on = None

NAMESPACES = {"rest": "rest", "socketio": "web", "wechat": "wechat", "sms": "sms"}
#: Each table and the column that holds a channel's user.
COLUMNS = (
    ("tickets", "sender_id"),
    ("subscriptions", "sender_id"),
    ("verification_attempts", "sender_id"),
    ("bindings", "sender_id"),
    ("inbound_messages", "sender_id"),
    ("outbound_messages", "recipient"),
    ("suppressions", "address"),
    ("pending_choices", "sender_id"),
    ("surveys", "sender_id"),
    ("handoff_sessions", "sender_id"),
)


def upgrade() -> None:
    for table, column in COLUMNS:
        for channel, namespace in NAMESPACES.items():
            prefix = namespace + ":"
            op.execute(
                f"UPDATE {table} SET {column} = '{prefix}' || {column} "
                f"WHERE channel = '{channel}' AND {column} NOT LIKE '{prefix}%'"
            )


def downgrade() -> None:
    for table, column in COLUMNS:
        for channel, namespace in NAMESPACES.items():
            prefix = namespace + ":"
            op.execute(
                f"UPDATE {table} SET {column} = substr({column}, {len(prefix) + 1}) "
                f"WHERE channel = '{channel}' AND {column} LIKE '{prefix}%'"
            )
