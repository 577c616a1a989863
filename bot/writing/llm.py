"""The LLM engine: any OpenAI-compatible chat endpoint through LangChain, structured output out.

The plan (situation, facts, choices) goes in; the buyer's words only as delimited data. Timeouts and
retries come from Settings; any failure raises, and the pipeline falls back to the builtin engine.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.config import REPO_ROOT, Settings
from bot.errors import BackendError, KnowledgeError
from bot.planning.plan import Plan
from bot.retrieval.chunking import encoding
from bot.writing.builtin import Draft, render_choices
from bot.writing.scripts import load_library

PROMPT = REPO_ROOT / "prompts" / "llm" / "draft.yaml"
FACTS_TOKEN_BUDGET = 600
MESSAGE_TOKEN_BUDGET = 300
LANG_NAMES = {"en": "English", "es": "Spanish", "id": "Indonesian", "zh": "Simplified Chinese"}


class Template(BaseModel):
    """A prompt template as validated data."""

    model_config = ConfigDict(extra="forbid")

    id: str
    version: int
    system: str
    user: str

    def render(self, **values: str) -> tuple[str, str]:
        needed = set(re.findall(r"\{([a-z_]+)\}", self.system + self.user))
        missing = needed - set(values)
        if missing:
            raise KnowledgeError(f"prompt {self.id}: missing variable(s) {sorted(missing)}")
        return self.system.format(**values), self.user.format(**values)


@lru_cache(maxsize=4)
def load_template(path: Path = PROMPT) -> Template:
    try:
        return Template.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise KnowledgeError(f"{path}: {exc}") from exc


class ReplyOut(BaseModel):
    """What the model must return."""

    reply: str = Field(description="the message to send to the buyer")


def _clip(text: str, budget: int) -> str:
    toks = encoding().encode(text, disallowed_special=())
    return text if len(toks) <= budget else encoding().decode(toks[:budget]) + " …"


class LLMWriter:
    """Drafts with a chat model; raises BackendError on timeouts, HTTP errors or unusable output."""

    def __init__(self, settings: Settings) -> None:
        from langchain_openai import ChatOpenAI

        if not settings.llm_base_url or not settings.llm_model:
            raise BackendError("SHOPBOT_LLM_BASE_URL and SHOPBOT_LLM_MODEL are required for the LLM engine")
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else "none"
        self.name = settings.llm_model
        self.template = load_template()
        self.chat = ChatOpenAI(base_url=settings.llm_base_url, model=settings.llm_model, api_key=key,  # type: ignore[arg-type,call-arg]
                               timeout=settings.llm_timeout_s, max_retries=1, temperature=0.3, max_tokens=220)

    def messages(self, plan: Plan, buyer_message: str) -> list[tuple[str, str]]:
        lib = load_library(plan.language if plan.language in LANG_NAMES else "en")
        facts = "\n".join(f"- {f.text}" for f in plan.facts) or "- (no order or product facts known)"
        system, user = self.template.render(
            language=LANG_NAMES.get(plan.language, "English"), situation=plan.situation,
            facts=_clip(facts, FACTS_TOKEN_BUDGET),
            choices="; ".join(render_choices(lib, plan.choices)) or "(none)",
            needs=", ".join(plan.needs) or "(nothing)",
            buyer_message=_clip(buyer_message.replace("</buyer_message>", ""), MESSAGE_TOKEN_BUDGET))
        return [("system", system), ("human", user)]

    def write(self, plan: Plan, seed: str, situation: str | None = None, buyer_message: str = "") -> Draft:
        """One structured call; the pipeline guards the result and falls back on any failure."""
        try:
            out = self.chat.with_structured_output(ReplyOut, method="function_calling").invoke(
                self.messages(plan, buyer_message))
        except Exception as exc:  # network, timeout, HTTP 5xx, schema failures: all fall back
            raise BackendError(f"LLM call failed: {type(exc).__name__}: {str(exc)[:200]}") from exc
        if not isinstance(out, ReplyOut) or not out.reply.strip():
            raise BackendError("LLM returned no usable reply")
        lib = load_library(plan.language if plan.language in LANG_NAMES else "en")
        return Draft(text=out.reply.strip(), language=plan.language, choices=render_choices(lib, plan.choices),
                     engine=self.name, script=f"{self.template.id}", version=str(self.template.version))

    def stream(self, plan: Plan, buyer_message: str) -> Iterator[str]:
        """Stream a plain-text reply (for the UI); the caller guards the assembled text."""
        try:
            for chunk in self.chat.stream(self.messages(plan, buyer_message)):
                if chunk.content:
                    yield str(chunk.content)
        except Exception as exc:
            raise BackendError(f"LLM stream failed: {type(exc).__name__}") from exc

