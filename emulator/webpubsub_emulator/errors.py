"""Service errors and their JSON rendering (the shape the cloud service answers with)."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse


class ServiceError(Exception):
    """An error the emulator answers with instead of performing the operation.

    ``status`` is the HTTP status, ``code`` goes to both the body and the
    ``x-ms-error-code`` header, ``target`` names the offending parameter, header or path.
    The body always has all five members with the types the API spec gives them
    (``target`` a string, ``details`` a list, ``inner`` an object), never null.
    """

    def __init__(self, status: int, code: str, message: str, target: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.target = target

    def to_response(self) -> JSONResponse:
        body: dict[str, Any] = {
            "code": self.code,
            "message": self.message,
            "target": self.target,
            "details": [],
            "inner": {},
        }
        return JSONResponse(body, status_code=self.status, headers={"x-ms-error-code": self.code})


def bad_request(message: str, target: str) -> ServiceError:
    return ServiceError(400, "InvalidRequest", message, target)


def not_found(message: str, target: str) -> ServiceError:
    return ServiceError(404, "NotFound", message, target)


def unauthorized(message: str, target: str) -> ServiceError:
    return ServiceError(401, "Unauthorized", message, target)
