"""The builtin engine: compose a reply from the script library, filled only with planned facts."""

from __future__ import annotations

import hashlib
import random

from pydantic import BaseModel

from bot.planning.plan import Plan
from bot.writing.scripts import LOCAL, PLACEHOLDER, ScriptLibrary, load_library
from guardrails.checks import check_empathy


class Draft(BaseModel):
    """Text plus what produced it (provenance is stored with every draft)."""

    text: str
    language: str
    choices: list[str]  # buyer-facing labels
    engine: str
    script: str  # situation id / prompt id
    version: str


def _pick(options: list[str], slots: dict[str, str], seed: str) -> str | None:
    usable = [o for o in options if set(PLACEHOLDER.findall(o)) <= set(slots)]
    # A found fact (or a size from the chart) is the answer: lines that state it win over lines
    # written for when none was found.
    for answer in ("fact", "size"):
        if answer in slots and any(answer in PLACEHOLDER.findall(o) for o in usable):
            usable = [o for o in usable if answer in PLACEHOLDER.findall(o)]
            break
    if not usable:
        return None
    rnd = random.Random(int(hashlib.sha256(seed.encode()).hexdigest()[:12], 16))
    return rnd.choice(usable)


def render_choices(lib: ScriptLibrary, choice_ids: list[str]) -> list[str]:
    return [lib.choices[c] for c in choice_ids if c in lib.choices]


def join_choices(lib: ScriptLibrary, labels: list[str]) -> str:
    if len(labels) <= 1:
        return "".join(labels)
    return lib.defaults.list_sep.join(labels[:-1]) + lib.defaults.choice_join + labels[-1]


class BuiltinWriter:
    """Offline, deterministic per message id, varied across messages."""

    name = "builtin"

    def library(self, lang: str) -> ScriptLibrary:
        return load_library(lang if lang in LOCAL else "en")

    def slots_for(self, plan: Plan, lib: ScriptLibrary) -> dict[str, str]:
        slots = {"product": lib.defaults.product, "order_ref": lib.defaults.order_ref,
                 **LOCAL.get(lib.lang, LOCAL["en"]), **plan.slots}
        # The diagnosis already asks for the photo: in the sentence we list what we can propose, and
        # "a clear photo of the problem" stays a button only.
        said = [c for c in plan.choices if not (c == "photo" and "photo" in plan.needs)]
        labels = render_choices(lib, said or plan.choices)
        if labels:
            slots["choices"] = join_choices(lib, labels)
        return slots

    def write(self, plan: Plan, seed: str, situation: str | None = None) -> Draft:
        """Empathy (complaints) -> diagnosis -> solution with choices -> closing."""
        lib = self.library(plan.language)
        sid = situation or plan.situation
        part = lib.situations.get(sid) or lib.situations["other"]
        slots = self.slots_for(plan, lib)
        pieces = []
        if plan.empathy:  # only openers that acknowledge the feeling (a cheerful "thanks for asking" does not)
            felt = [o for o in (part.empathy or []) if not check_empathy(o, True)]
            pieces.append(_pick(felt or [o for o in lib.general_empathy if not check_empathy(o, True)]
                                or lib.general_empathy, slots, seed + "e"))
        pieces.append(_pick(part.diagnosis, slots, seed + "d"))
        pieces.append(_pick(part.solution, slots, seed + "s"))
        pieces.append(_pick(part.closing, slots, seed + "c"))
        sep = "" if lib.lang == "zh" else " "
        text = sep.join(p.format(**slots) for p in pieces if p)
        return Draft(text=text, language=lib.lang, choices=render_choices(lib, plan.choices),
                     engine=self.name, script=f"scripts/{lib.lang}.yaml#{sid}", version=str(lib.version))
