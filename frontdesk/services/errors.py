"""What a service raises when it writes nothing: bad input (exit 2) or a refusal (exit 1)."""

from __future__ import annotations

from typing import Any

from frontdesk.rules.reasons import Reason


class FrontdeskError(Exception):
    exit_code = 1
    code = "error"

    def __init__(self, message: str, **data: Any):
        super().__init__(message)
        self.message = message
        self.data = data

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **self.data}

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled whole, whatever the subclass's __init__ takes: the desk's first read sends a
        refusal from its forked reader to the app (frontdesk.ui.firstread)."""
        return _restore, (type(self), self.args, self.__dict__)


def _restore(cls: type[FrontdeskError], args: tuple[Any, ...], state: dict[str, Any]) -> FrontdeskError:
    exc = cls.__new__(cls)
    Exception.__init__(exc, *args)
    exc.__dict__.update(state)
    return exc


class BadInput(FrontdeskError):
    """A value the user gave is wrong: names the field and the rule it breaks."""

    exit_code = 2
    code = "bad_input"

    def __init__(self, field: str, message: str, **data: Any):
        super().__init__(f"{field}: {message}", field=field, **data)
        self.field = field


class Refused(FrontdeskError):
    """A rule or a permission says no: names the rule."""

    exit_code = 1
    code = "refused"

    def __init__(self, reason: Reason, message: str):
        super().__init__(f"{reason.rule}: {message}", rule=reason.rule, reason=reason.code)
        self.reason = reason
