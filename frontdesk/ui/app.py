"""The frontdesk app: sign-in, then the desk. Built by `make_app`, which receives the services
(or a factory that builds them: the app then paints first and builds them in a worker thread,
so a start-up does not wait 0.5 s for SQLAlchemy and every service before the first screen)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen

from frontdesk import i18n
from frontdesk.services.errors import FrontdeskError

if TYPE_CHECKING:
    from frontdesk.services import Services

    from .firstread import FirstRead

STYLES = Path(__file__).parent / "styles"


class FrontdeskApp(App[None]):
    """The counter PC: staff sign in with name + PIN; the app locks itself when idle."""

    CSS_PATH = [STYLES / "app.tcss", STYLES / "signin.tcss", STYLES / "desk.tcss", STYLES / "dialogs.tcss",
                STYLES / "console.tcss", STYLES / "drill.tcss", STYLES / "setup.tcss"]
    TITLE = "frontdesk"
    BINDINGS = [
        Binding("f1", "help", "Help", show=False, priority=True),
        Binding("ctrl+l", "lock", "Lock", show=False, priority=True),
    ]

    user: reactive[dict[str, Any] | None] = reactive(None)

    def __init__(self, services: Services | Callable[[], Services], lang: str = "en", project: str | None = None,
                 user: str | None = None, demo_hint: str | None = None, idle_check_seconds: float = 15.0,
                 setup: dict[str, Any] | None = None, on_setup: Callable[[dict[str, Any]], None] | None = None,
                 sign_in: tuple[str, str | None] | None = None, first_read: FirstRead | None = None):
        super().__init__()
        self._services: Services | None = None if callable(services) else services
        self._factory: Callable[[], Services] | None = services if callable(services) else None
        self._services_lock = threading.Lock()
        self.start_error: Exception | None = None  # the factory failed: the app exits, its caller reports it
        self.lang = lang
        self.project = project
        self.demo_hint = demo_hint
        # the first day (frontdesk.ui.screens.setup): `setup` when the caller knows the database is
        # new (its services are built only when the setup is confirmed); `on_setup` is told the result
        self._setup_state = setup
        self._on_setup = on_setup
        self._initial_user = user  # signed in without a PIN: the tests' and the drill's door, never the CLI's
        # the person the command line names (--as) and their PIN (--pin / FRONTDESK_PIN), if given: the
        # desk opens once the PIN proves (read ahead by `first_read`, a forked reader), else the sign-in
        self._named = (sign_in[0].strip() or None) if sign_in else None
        self._pin = sign_in[1] if self._named else None
        self._first_read = first_read
        self.signing_in: str | None = None  # the name being proven while the desk waits
        self._last_input = time.monotonic()
        self._idle_check_seconds = idle_check_seconds
        self.idle_lock_minutes = 10
        self._localise_palette_binding()

    def _localise_palette_binding(self) -> None:
        """Textual's own ctrl+p binding says "palette" in English; say it in the user's words."""
        from dataclasses import replace

        for key, bindings in list(self._bindings.key_to_bindings.items()):
            self._bindings.key_to_bindings[key] = [
                replace(b, description=self.t("ui.key_palette")) if b.action == "command_palette" else b
                for b in bindings]

    @property
    def services(self) -> Services:
        """The services; built on first use when the app was given a factory (from a worker
        thread: the screens read them in `@work(thread=True)` loads). When the factory fails
        (no database, no project, a server that does not answer) the app exits and keeps the
        error in `start_error` for its caller to report; every later use raises it again."""
        if self._services is None:
            failed = None
            with self._services_lock:
                if self.start_error is not None:
                    raise self.start_error
                if self._services is None:
                    assert self._factory is not None
                    try:
                        self._services = self._factory()
                    except Exception as exc:  # noqa: BLE001 - whatever it is, the caller of run() says it
                        self.start_error = failed = exc
            if failed is not None:
                self._exit_after_start_error()  # outside the lock: the app thread may be waiting on it
                raise failed
        assert self._services is not None
        return self._services

    def services_or_none(self) -> Services | None:
        """The services for a worker's load, or None when they could not be built (the app is
        exiting then, and the error is reported once, by the app's caller)."""
        try:
            return self.services
        except Exception:
            if self.start_error is None:
                raise
            return None

    def _exit_after_start_error(self) -> None:
        try:
            self.call_from_thread(self.exit)
        except RuntimeError:  # on the app's own thread
            self.exit()

    # words ---------------------------------------------------------------------------------
    def t(self, catalog_key: str, /, **params: Any) -> str:
        return i18n.t(catalog_key, self.lang, **params)

    def reason_text(self, reasons: Iterable[Any]) -> list[str]:
        return i18n.render_reasons(reasons, self.lang)

    def error_text(self, exc: Exception) -> str:
        """A service refusal or bad input, in the user's language where we have the words."""
        from frontdesk.services.errors import BadInput, Refused

        if isinstance(exc, Refused):
            return i18n.render_reason(exc.reason, self.lang) if i18n.has_key(f"reason.{exc.reason.code}", self.lang) \
                else exc.message
        if isinstance(exc, BadInput):
            return exc.message
        return str(exc)

    # life cycle ------------------------------------------------------------------------------
    def on_mount(self) -> None:
        from .screens.signin import SignInScreen

        self.title = self.t("ui.app_title")
        self.set_interval(self._idle_check_seconds, self._check_idle)
        if self._setup_state is not None:  # a new database: nothing is built or written before the setup's end
            self.push_screen(self._setup_screen(self._setup_state))
            return
        if self._services is None:  # a factory: paint first, build the services in a worker
            if self._initial_user:
                from .screens.desk import DeskScreen

                self.user = {"name": self._initial_user}  # the desk's loads need only the name
                self.push_screen(DeskScreen())
            elif self._pin:
                from .screens.desk import DeskScreen

                self.signing_in = self._named  # the desk waits, its keys off, until the PIN proves
                self.push_screen(DeskScreen())
            else:
                self.push_screen(SignInScreen(person=self._named))
            self._start_services()
            return
        self._read_settings()
        needed = self.services.setup.needed(project=self.project)
        if needed is not None:
            self.push_screen(self._setup_screen(needed))
        elif self._initial_user:
            self.sign_in_as(self._initial_user)
        elif self._pin:
            try:
                st = self.services.desk.sign_in(self._named, self._pin, project=self.project)
            except FrontdeskError as exc:
                self.push_screen(SignInScreen(person=self._named, error=self.error_text(exc)))
            else:
                self.sign_in_as(st["name"])
        else:
            self.push_screen(SignInScreen(person=self._named))
        self._start_background()

    def _start_background(self) -> None:
        from .live import LiveFeed
        from .outbox_sender import OutboxSender

        self.outbox_sender = OutboxSender(self)  # delivers the webhook's notices while the desk runs
        if LiveFeed.wanted():
            self.live = LiveFeed(self, self.services.db.url)  # other counters' writes, within a second

    def on_unmount(self) -> None:
        if self._first_read is not None:
            self._first_read.close()
        live = getattr(self, "live", None)
        if live is not None:
            live.stop()

    def _read_settings(self) -> None:
        try:
            settings = self.services.staff.settings(project=self.project)
            self.idle_lock_minutes = int(settings.get("idle_lock_minutes", 10))
        except Exception:  # noqa: BLE001 - an empty database: sign-in will say so
            pass

    @work(thread=True, group="services")
    def _start_services(self) -> None:
        first = self._take_first_read()  # before the services: their build would only slow the reader down
        if self.services_or_none() is None:
            return
        needed = self.services.setup.needed(project=self.project)
        if needed is not None:  # no project, or no staff yet: the first day's setup instead of the sign-in
            self.call_from_thread(self._open_setup, needed)
            return
        self._read_settings()
        self.call_from_thread(self._start_background)
        if self._initial_user:
            st = next((s for s in self.services.staff.list(project=self.project) if s["name"] == self._initial_user),
                      None)
            if st is not None:
                self.call_from_thread(self._signed_in, st)
        elif first is not None:
            if "staff" in first:  # the first read is as of its own moment: read again, now the live feed runs
                self.call_from_thread(self._reload_desk)
        elif self._pin:  # no forked reader: the PIN is proven here
            try:
                st = self.services.desk.sign_in(self._named, self._pin, project=self.project)
            except FrontdeskError as exc:
                self.call_from_thread(self._sign_in_refused, exc)
                return
            self.call_from_thread(self._proven, st)

    def _take_first_read(self) -> dict[str, Any] | None:
        """The forked reader's result (frontdesk.ui.firstread), shown at once: the desk signed in
        with its data, or the sign-in with the refusal. None when there was none or it failed (the
        worker then proves the PIN itself; nothing was refused, so nothing is counted twice)."""
        if self._first_read is None:
            return None
        result = self._first_read.take()
        if result is None or "setup" in result:
            return None
        if "refused" in result:
            self.call_from_thread(self._sign_in_refused, result["refused"])
        else:
            self.call_from_thread(self._proven, result["staff"], result.get("desk"))
        return result

    def _proven(self, st: dict[str, Any], desk: dict[str, Any] | None = None) -> None:
        """The command line's PIN proved: the waiting desk is theirs (unless the person has gone to
        the sign-in meanwhile, `s`: then they sign in there)."""
        if self.signing_in is not None:
            self._signed_in(st, desk)

    def _sign_in_refused(self, exc: Exception) -> None:
        """The command line's PIN did not prove: the sign-in, on that name, saying why."""
        from .screens.signin import SignInScreen

        if self.signing_in is None:  # already at the sign-in (`s` while waiting)
            return
        name, self.signing_in, self.user = self.signing_in, None, None
        self.switch_screen(SignInScreen(person=name, error=self.error_text(exc)))

    def _reload_desk(self) -> None:
        from .screens.desk import DeskScreen

        for screen in self.screen_stack:
            if isinstance(screen, DeskScreen):
                screen.load()

    def _setup_screen(self, state: dict[str, Any]) -> Screen:
        from .screens.setup import SetupScreen

        return SetupScreen(state)

    def _open_setup(self, state: dict[str, Any]) -> None:
        self.switch_screen(self._setup_screen(state))

    def setup_done(self, result: dict[str, Any]) -> None:
        """The setup was saved: remember the office (the caller's `on_setup`), then the desk as its PM."""
        if self._on_setup is not None:
            self._on_setup(result)
        self._read_settings()
        if getattr(self, "outbox_sender", None) is None:
            self._start_background()
        self.sign_in_as(result["signed_in"])

    def _signed_in(self, st: dict[str, Any], desk: dict[str, Any] | None = None) -> None:
        """The full staff record arrived (role, trainee shadow mode): the desk shows it, with the
        data the first read brought (`desk`), or reads it now if it was waiting for the PIN."""
        waiting, self.signing_in = self.signing_in is not None, None
        self.user = st
        self._last_input = time.monotonic()
        from .screens.desk import DeskScreen

        if isinstance(self.screen, DeskScreen):
            self.screen.user_known()
            if desk is not None:
                self.screen.show(desk)
            elif waiting:
                self.screen.load()

    def sign_in_as(self, name: str) -> None:
        from .screens.desk import DeskScreen

        st = next((s for s in self.services.staff.list(project=self.project) if s["name"] == name), None)
        if st is None:
            raise ValueError(f"no staff member {name!r}")
        self.user = st
        self._last_input = time.monotonic()
        from .screens.signin import SignInScreen

        if isinstance(self.screen, SignInScreen) or getattr(self.screen, "REPLACED_BY_DESK", False):
            self.switch_screen(DeskScreen())
        else:
            self.push_screen(DeskScreen())

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown)):
            self._last_input = time.monotonic()
        await super().on_event(event)

    def _check_idle(self) -> None:
        if self.user is not None and time.monotonic() - self._last_input > self.idle_lock_minutes * 60:
            self.action_lock()

    def action_lock(self) -> None:
        """Back to sign-in: the counter PC is shared."""
        from .screens.signin import SignInScreen

        self.user = self.signing_in = None
        self.clear_notifications()  # the last user's toasts are not the next user's business
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(SignInScreen())

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)  # F1 again closes it
        else:
            self.push_screen(HelpScreen(self.screen))  # the keys of the screen the person is on

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        commands = getattr(screen, "palette_commands", None)
        if commands is not None:
            yield from commands()


def make_app(services: Services | Callable[[], Services], lang: str = "en", **kw: Any) -> FrontdeskApp:
    """The factory: the app gets its services injected (or a factory of them), never reaches
    for a global."""
    return FrontdeskApp(services, lang=lang, **kw)
