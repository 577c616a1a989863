"""Domain errors; translated to HTTP statuses and CLI exit codes at the edges only."""


class ShopbotError(Exception):
    """Base of every error shopbot raises on purpose."""


class KnowledgeError(ShopbotError):
    """A knowledge file is missing, unreadable or invalid (the message names file and reason)."""


class NotFoundError(ShopbotError):
    """Something asked for by id does not exist."""


class InvalidInputError(ShopbotError):
    """Input from a user or a client is malformed or out of bounds."""


class BackendError(ShopbotError):
    """A backing service (Chroma server, embeddings endpoint, LLM) failed or timed out."""


class ForbiddenError(ShopbotError):
    """The signed-in user's role does not allow this action."""


class ConflictError(ShopbotError):
    """The action does not fit the record's current state (e.g. deciding a decided approval)."""


class UnauthenticatedError(ShopbotError):
    """No valid session or API token."""


class TooManyAttemptsError(ShopbotError):
    """Too many failed attempts in a short time (e.g. sign-in); try again later."""
