"""Keys and words: what each key does on the screen the person was on when they asked (`?` or
F1), in the user's language.

The list is read from the bindings themselves — the screen's, then those of each of its own
widgets that have keys (a console tab, the pane in focus first), then the keys that work
everywhere — so a key added to a screen shows here without anyone remembering to. Each key's
words come from the catalog (`help_words`): the long line the desk's keys have, else the
footer's word for it."""

from __future__ import annotations

from typing import Any, Iterator

from textual.actions import parse
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Static

from frontdesk import i18n

ALIASES = {"command_palette": "palette"}  # Textual's own action names, in the catalog's words


def word_keys(binding: Binding) -> list[str]:
    """The catalog keys that may hold a binding's words, best first: the desk's long help line,
    the console's footer word (by description), the desk's footer word."""
    from frontdesk.ui.console.base import key_word

    name = parse(binding.action)[1]
    name = ALIASES.get(name, name)
    keys = [f"ui.help_{name}"]
    if binding.description:
        keys.append(key_word(binding.description))
    return keys + [f"ui.key_{name}", f"layout.footer.{name}"]


def help_words(binding: Binding, lang: str) -> str | None:
    """A binding's words in `lang`, or None when the catalog has none (a gap the tests catch)."""
    return next((i18n.t(k, lang) for k in word_keys(binding) if i18n.has_key(k, lang)), None)


def own_bindings(node: Any) -> list[Binding]:
    """The bindings a node's own classes declare, in English (before the footer's translation):
    those of frontdesk's classes, not Textual's (a list's scroll keys); the app's all (ctrl+p, ctrl+q)."""
    from textual.app import App

    if isinstance(node, App):
        return [b for bindings in node._bindings.key_to_bindings.values() for b in bindings]
    by_key: dict[str, Binding] = {}
    for cls in reversed(type(node).__mro__):  # a subclass's key overrides its base's
        if cls.__module__.startswith("frontdesk.") and "BINDINGS" in cls.__dict__:
            by_key.update((b.key, b) for b in Binding.make_bindings(cls.__dict__["BINDINGS"]))
    return list(by_key.values())


def declared(node: Any) -> list[tuple[list[Binding], Binding]]:
    """A node's own keys with words, the keys of one action grouped, in declaration order; an
    action the node refuses outright (`check_action` False: the console for an advisor) left out."""
    groups: dict[tuple[str, str], list[Binding]] = {}
    for b in own_bindings(node):
        if b.system or not (b.description or b.action == "command_palette"):
            continue
        namespace, name, params = parse(b.action)
        if not namespace and node.check_action(name, params) is False:
            continue
        groups.setdefault((b.action, b.description), []).append(b)
    return [(group, group[0]) for group in groups.values()]


def widgets_with_keys(screen: Screen) -> list[Widget]:
    """The screen's own widgets (not Textual's) that declare keys and are in view — or titled
    parts a key brings into view (each console tab) — the one holding focus first."""
    def shown(w: Widget) -> bool:
        return bool(getattr(w, "help_title", "")) or all(a.display for a in w.ancestors_with_self if isinstance(a, Widget))

    own = [w for w in screen.walk_children(Widget, with_self=False) if own_bindings(w) and shown(w)]
    focused = screen.focused
    chain = set(focused.ancestors_with_self) if focused is not None else set()
    return sorted(own, key=lambda w: w not in chain)


def sections(app: Any, screen: Screen) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """(title, [(keys, words)]) for the screen, each of its widgets with keys, and everywhere;
    a key already listed above (a tab's `?`) not repeated."""
    lang, t = app.lang, app.t
    seen: set[tuple[str, str]] = set()

    def rows(node: Any) -> list[tuple[str, str]]:
        out = []
        for group, b in declared(node):
            if (b.key, b.action) in seen:
                continue
            seen.update((g.key, g.action) for g in group)
            keys = " ".join(dict.fromkeys(app.get_key_display(g) for g in group))
            out.append((keys, help_words(b, lang) or b.description))
        return out

    yield t("help.section.screen"), rows(screen)
    for widget in widgets_with_keys(screen):
        title = getattr(widget, "help_title", "") or t("help.section.part")
        yield title, rows(widget)
    yield t("help.section.everywhere"), rows(app)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,question_mark,q", "dismiss", "Close")]

    def __init__(self, about: Screen | None = None):
        super().__init__()
        self.about = about  # the screen whose keys are listed (the one under this dialog)

    def compose(self) -> ComposeResult:
        t = self.app.t  # type: ignore[attr-defined]
        about = self.about or self.app.screen
        with VerticalScroll(id="help", classes="dialog"):
            yield Static(f"[b]{t('ui.help_title')}[/b]", id="help-title")
            for title, rows in sections(self.app, about):
                if not rows:
                    continue
                yield Static(title, classes="help-section", markup=False)
                for keys, words in rows:  # a key and its words side by side: a long line wraps in its column
                    with Horizontal(classes="help-row"):
                        yield Static(keys, classes="help-key", markup=False)
                        yield Static(words, classes="help-words", markup=False)
            yield Static("\n" + t("ui.help_rules"), id="help-rules", markup=False)

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
