"""Verdict for Python: the C API of libverdict.so.0 through ctypes.

No compiler is needed to install it and it runs on any Python 3::

    import verdict
    engine = verdict.Engine("fixtures/org")
    for decision in engine.evaluate({"id": "r1", "user": {"id": "00u1"}, "ip": "203.0.113.7"}):
        print(decision["policyType"], decision.get("outcome"), decision["rule"])

``evaluate`` returns the decision objects ``policy-sim eval --output jsonl``
prints for the context (docs/interfaces.md §3), one per policy type.
``decide`` is the builder path (no JSON on the way in) for one policy type.

The library is found through ``VERDICT_LIBRARY`` (a path), else the loader's
search path (``libverdict.so.0``; set ``LD_LIBRARY_PATH`` for a private
prefix). An ``Engine`` may be shared by threads for ``evaluate``; ``decide``
reuses one context handle per engine and is serialised by a lock.
"""

import ctypes
import ctypes.util
import json
import os
import threading

__all__ = ["Engine", "VerdictError", "library_version"]
__version__ = "0.1.0"

VERDICT_OK = 0
POLICY_ALL = -1


class VerdictError(Exception):
    """A snapshot that cannot be loaded, or a context that cannot be parsed.

    The message names the file and JSON pointer (or the context's pointer).
    """


class _Lib:
    """The loaded library with typed function prototypes."""

    def __init__(self, path):
        lib = ctypes.CDLL(path)
        c_char_p, c_void_p, c_int, c_size_t = (ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int,
                                               ctypes.c_size_t)
        out_str = ctypes.POINTER(ctypes.c_char)  # a string the caller frees

        def proto(name, restype, *argtypes):
            fn = getattr(lib, name)
            fn.restype = restype
            fn.argtypes = list(argtypes)
            setattr(self, name, fn)

        proto("verdict_version", c_char_p)
        proto("verdict_engine_open", c_void_p, c_char_p, ctypes.POINTER(out_str))
        proto("verdict_engine_reload", c_int, c_void_p, c_char_p, ctypes.POINTER(out_str))
        proto("verdict_evaluate_json", out_str, c_void_p, c_char_p, c_size_t)
        proto("verdict_engine_warnings", out_str, c_void_p)
        proto("verdict_free", None, c_void_p)
        proto("verdict_engine_close", None, c_void_p)
        proto("verdict_policy_type_from_name", c_int, c_char_p, c_size_t)
        proto("verdict_policy_type_name", c_char_p, c_int)
        proto("verdict_outcome_name", c_char_p, c_int)
        proto("verdict_context_new", c_void_p)
        proto("verdict_context_free", None, c_void_p)
        proto("verdict_context_reset", c_int, c_void_p)
        proto("verdict_context_errmsg", c_char_p, c_void_p)
        for setter in ("set_id", "set_app", "set_user_id", "add_group", "add_ip_list",
                       "set_risk"):
            proto("verdict_context_" + setter, c_int, c_void_p, c_char_p, c_size_t)
        proto("verdict_result_new", c_void_p)
        proto("verdict_result_free", None, c_void_p)
        proto("verdict_evaluate", c_int, c_void_p, c_void_p, c_int, c_void_p)
        proto("verdict_result_count", c_size_t, c_void_p)
        for getter in ("outcome", "blocked", "require_factor", "policy_type"):
            proto("verdict_result_" + getter, c_int, c_void_p, c_size_t)
        for getter in ("policy_id", "policy_name", "rule_id", "rule_name", "actions_json",
                       "blocking_zone_id"):
            proto("verdict_result_" + getter, c_char_p, c_void_p, c_size_t)

    def take(self, pointer):
        """Copies a library-owned string out and frees it."""
        if not pointer:
            return None
        try:
            return ctypes.string_at(pointer).decode("utf-8", "replace")
        finally:
            self.verdict_free(pointer)


_lib = None
_lib_lock = threading.Lock()


def _load():
    global _lib
    with _lib_lock:
        if _lib is None:
            path = os.environ.get("VERDICT_LIBRARY") or ctypes.util.find_library("verdict")
            _lib = _Lib(path or "libverdict.so.0")
        return _lib


def library_version():
    """The loaded library's version, "MAJOR.MINOR.PATCH"."""
    return _load().verdict_version().decode()


def _b(text):
    return text.encode("utf-8") if isinstance(text, str) else text


class Engine:
    """A compiled snapshot: ``Engine(snapshot_dir)``.

    Raises VerdictError when the snapshot cannot be loaded or compiled.
    """

    def __init__(self, snapshot_dir):
        self._lib = _load()
        error = ctypes.POINTER(ctypes.c_char)()
        handle = self._lib.verdict_engine_open(_b(os.fspath(snapshot_dir)), ctypes.byref(error))
        if not handle:
            raise VerdictError(self._lib.take(error) or "cannot open " + str(snapshot_dir))
        self._handle = handle
        self._snapshot_dir = os.fspath(snapshot_dir)
        self._builder_lock = threading.Lock()
        self._context = self._lib.verdict_context_new()
        self._result = self._lib.verdict_result_new()

    def close(self):
        """Frees the engine (also done when it is garbage-collected)."""
        if getattr(self, "_handle", None):
            self._lib.verdict_result_free(self._result)
            self._lib.verdict_context_free(self._context)
            self._lib.verdict_engine_close(self._handle)
            self._handle = None

    __del__ = close

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def warnings(self):
        """The served snapshot's warnings ("file: pointer: message"), a list."""
        text = self._lib.take(self._lib.verdict_engine_warnings(self._handle))
        return [line for line in (text or "").splitlines() if line]

    def reload(self, snapshot_dir=None):
        """Swaps in a newly compiled snapshot (default: the same directory).

        On failure raises VerdictError and the previous snapshot keeps serving.
        """
        error = ctypes.POINTER(ctypes.c_char)()
        directory = os.fspath(snapshot_dir) if snapshot_dir is not None else self._snapshot_dir
        status = self._lib.verdict_engine_reload(self._handle, _b(directory), ctypes.byref(error))
        if status != VERDICT_OK:
            raise VerdictError(self._lib.take(error) or "reload failed")
        self._snapshot_dir = directory

    def evaluate_json(self, context_json):
        """The §3 lines for a context given as JSON text (str or bytes), as
        ``policy-sim eval --output jsonl`` prints them; a malformed context gives
        one ``{"error": ...}`` line."""
        data = _b(context_json)
        return self._lib.take(self._lib.verdict_evaluate_json(self._handle, data, len(data)))

    def evaluate(self, context):
        """Decisions (a list of dicts, one per policy type) for a context dict
        (docs/interfaces.md §2). Raises VerdictError naming the JSON pointer
        when the context is malformed."""
        text = self.evaluate_json(json.dumps(context))
        decisions = [json.loads(line) for line in text.splitlines() if line]
        if len(decisions) == 1 and "error" in decisions[0] and "policyType" not in decisions[0]:
            raise VerdictError(decisions[0]["error"])
        return decisions

    def decide(self, user=None, groups=(), ip_chain=None, app=None, risk=None,
               policy_type="OKTA_SIGN_ON", id=None):
        """The builder path: one decision for ``policy_type`` without JSON.

        ``ip_chain`` is a list of addresses or an X-Forwarded-For string, client
        first. Returns a dict: outcome, blocked, policy_id, policy_name, rule_id,
        rule_name, require_factor, actions (a dict or None).
        """
        lib = self._lib
        type_name = _b(policy_type)
        type_value = lib.verdict_policy_type_from_name(type_name, len(type_name))
        if type_value < 0:
            raise ValueError("unknown policy type %r" % policy_type)
        if ip_chain is not None and not isinstance(ip_chain, (str, bytes)):
            ip_chain = ",".join(ip_chain)
        with self._builder_lock:
            ctx, result = self._context, self._result
            lib.verdict_context_reset(ctx)
            fields = [(lib.verdict_context_set_id, id), (lib.verdict_context_set_user_id, user),
                      (lib.verdict_context_set_app, app),
                      (lib.verdict_context_add_ip_list, ip_chain),
                      (lib.verdict_context_set_risk, risk)]
            fields += [(lib.verdict_context_add_group, g) for g in groups]
            for setter, value in fields:
                if value is None:
                    continue
                data = _b(value)
                if setter(ctx, data, len(data)) != VERDICT_OK:
                    raise VerdictError(lib.verdict_context_errmsg(ctx).decode())
            if lib.verdict_evaluate(self._handle, ctx, type_value, result) != VERDICT_OK:
                raise VerdictError("verdict_evaluate failed")

            def text(getter):
                value = getter(result, 0)
                return value.decode() if value is not None else None

            actions = text(lib.verdict_result_actions_json)
            return {
                "outcome": lib.verdict_outcome_name(lib.verdict_result_outcome(result, 0)).decode(),
                "blocked": lib.verdict_result_blocked(result, 0) == 1,
                "policy_id": text(lib.verdict_result_policy_id),
                "policy_name": text(lib.verdict_result_policy_name),
                "rule_id": text(lib.verdict_result_rule_id),
                "rule_name": text(lib.verdict_result_rule_name),
                "require_factor": lib.verdict_result_require_factor(result, 0) == 1,
                "actions": json.loads(actions) if actions is not None else None,
            }
