"""A station serving a network of agents: pad pairs per agent, a queue, a schedule
filled with real or dummy messages of one fixed length, several operators, an audit
log; on SQLite (one file) or PostgreSQL (many operators and machines).

The pieces, in the order a message meets them:

* :mod:`.station`: :class:`Station` (agents, :meth:`~Station.queue`,
  :meth:`~Station.transmit`) and why a message is one page and a dummy a real page;
* :mod:`.schedule`: :class:`Schedule`, the slots as data;
* :mod:`.store`: the two engines and the rules the database itself enforces;
* :mod:`.keys`: page keys outside PostgreSQL, and burning by destroying them;
* :mod:`.accounts`: each agent's pad, the audit log, abandoned pages, the balance;
* :mod:`.books`: pad books imported into a station and exported for an agent;
* :mod:`.agents`: more pages for an agent, and burning an agent that is lost;
* :mod:`.traffic`: what an observer of the broadcasts sees, and the test that it
  cannot tell real traffic from none;
* :mod:`.localserver`: a private PostgreSQL server for tests and demonstrations.
"""

from .accounts import AgentAccount, AuditEntry, Balance, accounts, audit_log, balance, reconcile
from .agents import burn_agent, extend_agent
from .books import Exported, export_books, import_books
from .schedule import Schedule, Slot
from .station import Action, Capacity, Queued, Role, Station, Transmission

__all__ = [
    "Action",
    "AgentAccount",
    "AuditEntry",
    "Balance",
    "Capacity",
    "Exported",
    "Queued",
    "Role",
    "Schedule",
    "Slot",
    "Station",
    "Transmission",
    "accounts",
    "audit_log",
    "balance",
    "burn_agent",
    "export_books",
    "extend_agent",
    "import_books",
    "reconcile",
]
