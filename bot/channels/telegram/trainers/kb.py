"""The knowledge base as trainers change it from Telegram: propose, publish, roll back, retrain.

Why it looks like this:
- The same steps as `helpdesk kb import` and `helpdesk kb rollback` (`bot.kb.proposal`,
  `bot.kb.publishing`), on the same state folder, so a version published from Telegram is one
  the terminal lists, and the other way round.
- These calls read and write files and take the publishing lock: the handlers run them in a
  thread, never on the event loop that serves officials.
- A rollback is prepared against the version live when the trainer saw its changes; if another
  version was published before the press, it is refused, as a stale import is.
- Retraining is started, not awaited: `bot.assistant.retrain` runs it detached and swaps the model
  into the Rasa server when done; the old model serves meanwhile.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot.assistant import retrain
from bot.kb import proposal as proposals
from bot.kb import publishing
from bot.kb.diff import Diff, compare_folders
from bot.kb.proposal import Proposal

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RollbackPlan:
    """Restoring version `number`, prepared while `base` was live: the changes it makes."""

    number: int
    base: int | None
    diff: Diff


class TrainerKnowledgeBase:
    """The versions under `state`/kb, the repository's knowledge base in `project`."""

    def __init__(self, state: Path, project: Path, rasa_url: str | None) -> None:
        """Work on `state`; retrain `project`; load the model into the Rasa replicas at `rasa_url`
        (one address, or several comma-separated)."""
        self._state = state.absolute()
        self._project = project.absolute()
        self._rasa_url = rasa_url

    @property
    def state(self) -> Path:
        """The state folder."""
        return self._state

    @property
    def repository(self) -> Path:
        """The repository's `knowledge_base/`, live until a version is published."""
        return self._project / "knowledge_base"

    def propose(self, file: Path) -> Proposal:
        """The file checked and compared with the live knowledge base; writes nothing."""
        return proposals.propose(file, self._state, self.repository)

    def propose_again(self, name: str, content: bytes, base: int | None) -> Proposal:
        """A kept file (`content`, called `name`) checked again; publishing.Conflict unless the
        live version is still `base`, the one the trainer's changes were shown against."""
        with tempfile.TemporaryDirectory(prefix="kb-telegram-") as folder:
            path = Path(folder) / Path(name).name
            path.write_bytes(content)
            proposal = self.propose(path)
        if proposal.base_version != base:
            raise publishing.Conflict(base, proposal.base_version)
        return proposal

    def publish(self, proposal: Proposal, author: str) -> publishing.Version:
        """Publish `proposal` as the new live version; publishing.Conflict if it is stale."""
        version = proposals.apply(proposal, self._state, self.repository, author)
        log.info("a trainer published knowledge base version %d from Telegram", version.number)
        return version

    def versions(self) -> tuple[list[publishing.Version], int | None]:
        """Every published version, oldest first, and the live one's number."""
        return publishing.history(self._state), publishing.current_version(self._state)

    def plan_rollback(self, number: int) -> RollbackPlan:
        """What restoring version `number` would change; publishing.UnknownVersion if none."""
        target = publishing.version(self._state, number)
        base = publishing.current_version(self._state)
        live = publishing.live_dir(self._state, self.repository)
        return RollbackPlan(number, base, compare_folders(live, target.path))

    def roll_back(self, plan: RollbackPlan, author: str) -> publishing.Version:
        """Publish a copy of the planned version; publishing.Conflict if the live one changed."""
        actual = publishing.current_version(self._state)
        if actual != plan.base:
            raise publishing.Conflict(plan.base, actual)
        version = publishing.rollback(self._state, plan.number, author=author)
        log.info(
            "a trainer restored knowledge base version %d as %d from Telegram",
            plan.number,
            version.number,
        )
        return version

    def start_training(self) -> bool:
        """Start retraining the model in the background; whether it could be started."""
        try:
            retrain.start_in_background(self._state, self._project, self._rasa_url)
        except OSError as error:
            log.error("retraining could not be started (%s)", type(error).__name__)
            return False
        log.info("retraining started in the background after a trainer's change")
        return True
