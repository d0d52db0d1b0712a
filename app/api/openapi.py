"""The OpenAPI 3.1 document of /api/v1 (kept beside the views it describes)."""

from __future__ import annotations

from typing import Any

from app.clics.openapi import clics_paths
from app.judging import languages
from app.models.submission import STATUSES, VERDICTS

_ERROR = {"$ref": "#/components/responses/Error"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"oneOf": [schema, {"type": "null"}]}


def openapi_document() -> dict[str, Any]:
    """The document served at /api/v1/openapi.json."""
    verdict = {"type": "string", "enum": list(VERDICTS)}
    language_ids = list(languages.ids())
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "codedev API",
            "version": "1",
            "description": "Submit code and follow its judgement. Live progress is also pushed "
            "on the WebSocket /ws/submissions/{id} (frames `submission.state`, "
            "`submission.test`, `submission.done`), which accepts the same credentials.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": {
            "/submissions": {
                "post": {
                    "operationId": "createSubmission",
                    "summary": "Submit source code for a challenge",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/NewSubmission"}
                            }
                        },
                    },
                    "responses": {
                        "201": {
                            "description": "Stored and queued for judging",
                            "headers": {"Location": {"schema": {"type": "string"}}},
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Created"}
                                }
                            },
                        },
                        "400": _ERROR,
                        "401": _ERROR,
                        "404": _ERROR,
                        "429": _ERROR,
                    },
                }
            },
            "/submissions/{id}": {
                "get": {
                    "operationId": "getSubmission",
                    "summary": "A submission's status, verdict, score and tests",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The submission as you may see it",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Submission"}
                                }
                            },
                        },
                        "401": _ERROR,
                        "404": _ERROR,
                    },
                }
            },
            **clics_paths(),
        },
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal API token (`flask users token EMAIL`).",
                },
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
            "responses": {
                "Error": {
                    "description": "An error a client can cause",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                }
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "message"],
                            "properties": {
                                "code": {"type": "string"},
                                "message": {"type": "string"},
                            },
                        }
                    },
                },
                "NewSubmission": {
                    "type": "object",
                    "required": ["challenge", "language"],
                    "description": "The program is `source` (one file) or `files` (several, "
                    "at most MAX_SUBMISSION_FILES, MAX_SOURCE_BYTES together); exactly one.",
                    "properties": {
                        "challenge": {"type": "string", "description": "The challenge's slug"},
                        "language": {
                            "type": "string",
                            "enum": language_ids,
                            "description": "A language id; a challenge may allow fewer. "
                            "Compilers and flags: /languages",
                        },
                        "source": {"type": "string", "description": "A program of one file"},
                        "files": {
                            "type": "array",
                            "minItems": 1,
                            "items": {"$ref": "#/components/schemas/SourceFile"},
                            "description": "A program of several files (plain names, no "
                            "folders), for the languages that allow it",
                        },
                        "entry": {
                            "type": "string",
                            "description": "The main file among `files`; by default the "
                            "language's (main.py or __main__.py, Main.java, main.cpp, …), else "
                            "the one source defining main",
                        },
                        "kind": {
                            "type": "string",
                            "enum": ["submit", "samples"],
                            "default": "submit",
                            "description": "`samples` judges the sample tests only and never counts",
                        },
                        "round": {
                            "type": "integer",
                            "description": "Submit in this round (contest, timed round or "
                            "assignment): refused with 409 outside your window",
                        },
                    },
                },
                "SourceFile": {
                    "type": "object",
                    "required": ["name", "content"],
                    "properties": {
                        "name": {"type": "string", "pattern": "^[A-Za-z0-9_][A-Za-z0-9_.+-]*$"},
                        "content": {"type": "string", "description": "UTF-8 text"},
                    },
                },
                "Created": {
                    "type": "object",
                    "required": ["id", "status", "judgement"],
                    "properties": {
                        "id": {"type": "integer"},
                        "status": {"type": "string", "enum": list(STATUSES)},
                        "judgement": {
                            "type": "object",
                            "properties": {
                                "id": {"type": "integer"},
                                "status": {"type": "string", "enum": list(STATUSES)},
                            },
                        },
                        "url": {"type": "string"},
                        "socket": {"type": "string"},
                    },
                },
                "Test": {
                    "type": "object",
                    "required": ["position", "verdict", "time_ms", "memory_kb", "sample"],
                    "description": "A hidden test carries only its verdict, time and memory.",
                    "properties": {
                        "position": {"type": "integer"},
                        "name": {"type": "string"},
                        "group": {"type": "string"},
                        "verdict": verdict,
                        "time_ms": {"type": "integer"},
                        "memory_kb": {"type": "integer"},
                        "sample": {"type": "boolean"},
                        "message": {"type": "string"},
                        "input": {"type": "string", "description": "Sample tests only"},
                        "expected": {"type": "string", "description": "Sample tests only"},
                        "output": {"type": "string", "description": "Sample tests only"},
                    },
                },
                "Submission": {
                    "type": "object",
                    "required": ["id", "challenge", "language", "kind", "status", "tests"],
                    "properties": {
                        "id": {"type": "integer"},
                        "challenge": {"type": "string"},
                        "language": {"type": "string"},
                        "kind": {"type": "string", "enum": ["submit", "samples"]},
                        "user_id": _nullable({"type": "integer"}),
                        "created_at": {"type": "string", "format": "date-time"},
                        "total_tests": {"type": "integer"},
                        "status": {"type": "string", "enum": list(STATUSES)},
                        "verdict": _nullable(verdict),
                        "score": {"type": "number", "minimum": 0, "maximum": 100},
                        "judgement": _nullable(
                            {
                                "type": "object",
                                "properties": {
                                    "id": {"type": "integer"},
                                    "status": {"type": "string", "enum": list(STATUSES)},
                                    "verdict": _nullable(verdict),
                                    "judge_verdict": _nullable(verdict),
                                    "overridden": {"type": "boolean"},
                                    "override_reason": {"type": "string"},
                                    "score": {"type": "number"},
                                    "time_ms": _nullable({"type": "integer"}),
                                    "memory_kb": _nullable({"type": "integer"}),
                                    "compile_output": {"type": "string"},
                                    "finished_at": _nullable({"type": "string"}),
                                },
                            }
                        ),
                        "tests": {"type": "array", "items": {"$ref": "#/components/schemas/Test"}},
                        "entry": {"type": "string", "description": "The main file's name"},
                        "files": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/SourceFile"},
                            "description": "Every file of the program, the main one first",
                        },
                    },
                },
            },
        },
    }
