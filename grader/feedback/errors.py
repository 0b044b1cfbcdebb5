"""Errors whose text is a catalog message: a code and its params, rendered when shown.

``str(error)`` is the message in the reader's language at the time it is shown
(``--lang``, ``$GRADER_LANG``, the locale), so an error raised deep in the kit
reads the same as the command's other lines.
"""

from __future__ import annotations

from grader.feedback.render import message


class MessageError(Exception):
    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params

    def __str__(self) -> str:
        return message(self.code, **self.params)

    def __reduce__(self):  # pickled across processes with its params (Exception would keep only the code)
        return _rebuild, (type(self), self.code, self.params)


def _rebuild(cls: type[MessageError], code: str, params: dict) -> MessageError:
    return cls(code, **params)
