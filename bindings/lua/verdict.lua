-- Verdict for LuaJIT (nginx's lua module / OpenResty, Kong): the C API of
-- libverdict.so.0 through the FFI, no C code of its own.
--
--   local verdict = require("verdict")
--   verdict.load("/opt/verdict/lib/libverdict.so.0")   -- once per process
--   local engine = assert(verdict.open("/etc/verdict/snapshot"))
--   local d = engine:decide({ user = "00u1", groups = "00g1,00g2",
--                             ip_chain = "203.0.113.7, 198.51.100.2" })
--   -- d.outcome ("ALLOW"/"DENY"/"CHALLENGE"/""), d.blocked, d.policy_id,
--   -- d.policy_name, d.rule_id, d.rule_name, d.require_factor
--
-- An engine is used by one Lua VM (one nginx worker): it keeps one context
-- and one result handle and reuses them for every decide(), so a decision
-- allocates nothing in the library once warm. docs/embedding.md has the
-- nginx configuration that uses this module (bindings/lua/nginx.conf).
local ffi = require("ffi")

ffi.cdef [[
typedef struct verdict_engine verdict_engine;
typedef struct verdict_context verdict_context;
typedef struct verdict_result verdict_result;
const char* verdict_version(void);
verdict_engine* verdict_engine_open(const char* snapshot_dir, char** error);
int verdict_engine_reload(verdict_engine* engine, const char* snapshot_dir, char** error);
char* verdict_evaluate_json(verdict_engine* engine, const char* context_json, size_t len);
void verdict_free(void* p);
void verdict_engine_close(verdict_engine* engine);
char* verdict_engine_warnings(verdict_engine* engine);
int verdict_policy_type_from_name(const char* name, size_t len);
const char* verdict_outcome_name(int outcome);
verdict_context* verdict_context_new(void);
void verdict_context_free(verdict_context* context);
int verdict_context_reset(verdict_context* context);
const char* verdict_context_errmsg(const verdict_context* context);
int verdict_context_set_id(verdict_context* context, const char* id, size_t len);
int verdict_context_set_app(verdict_context* context, const char* app_id, size_t len);
int verdict_context_set_user_id(verdict_context* context, const char* id, size_t len);
int verdict_context_add_group(verdict_context* context, const char* group_id, size_t len);
int verdict_context_add_ip_list(verdict_context* context, const char* list, size_t len);
int verdict_context_set_risk(verdict_context* context, const char* level, size_t len);
verdict_result* verdict_result_new(void);
void verdict_result_free(verdict_result* result);
int verdict_evaluate(verdict_engine* engine, const verdict_context* context, int policy_type,
                     verdict_result* result);
size_t verdict_result_count(const verdict_result* result);
int verdict_result_outcome(const verdict_result* result, size_t i);
int verdict_result_blocked(const verdict_result* result, size_t i);
const char* verdict_result_policy_id(const verdict_result* result, size_t i);
const char* verdict_result_policy_name(const verdict_result* result, size_t i);
const char* verdict_result_rule_id(const verdict_result* result, size_t i);
const char* verdict_result_rule_name(const verdict_result* result, size_t i);
int verdict_result_require_factor(const verdict_result* result, size_t i);
]]

local M = { _VERSION = "0.1.0" }

local lib -- the loaded libverdict.so.0
local C_NULL = nil

-- Loads the shared library (default: "libverdict.so.0" from the loader's
-- search path). Idempotent; returns the library's version string.
function M.load(path)
  if lib == nil then lib = ffi.load(path or "libverdict.so.0") end
  return ffi.string(lib.verdict_version())
end

local function take_error(box)
  if box[0] == C_NULL then return "unknown error" end
  local message = ffi.string(box[0])
  lib.verdict_free(box[0])
  return message
end

local function str_or_nil(p)
  if p == C_NULL then return nil end
  return ffi.string(p)
end

local Engine = {}
Engine.__index = Engine

-- Opens a snapshot directory. Returns an engine, or nil and the error (file +
-- JSON pointer).
function M.open(snapshot_dir)
  M.load()
  local box = ffi.new("char*[1]")
  local handle = lib.verdict_engine_open(snapshot_dir, box)
  if handle == C_NULL then return nil, take_error(box) end
  local self = setmetatable({
    handle = ffi.gc(handle, lib.verdict_engine_close),
    context = ffi.gc(lib.verdict_context_new(), lib.verdict_context_free),
    result = ffi.gc(lib.verdict_result_new(), lib.verdict_result_free),
    snapshot_dir = snapshot_dir,
  }, Engine)
  return self
end

-- Reloads (by default the same directory). true, or nil and the error; on an
-- error the previous snapshot keeps serving.
function Engine:reload(snapshot_dir)
  local box = ffi.new("char*[1]")
  local status = lib.verdict_engine_reload(self.handle, snapshot_dir or self.snapshot_dir, box)
  if status ~= 0 then return nil, take_error(box) end
  return true
end

-- The served snapshot's warnings ("file: pointer: message" lines), a string
-- ("" when there are none).
function Engine:warnings()
  local out = lib.verdict_engine_warnings(self.handle)
  if out == C_NULL then return nil, "out of memory" end
  local text = ffi.string(out)
  lib.verdict_free(out)
  return text
end

-- The JSON path: a §2 context as JSON in, the §3 lines out (a string with one
-- JSON object per line, or {"error": ...}).
function Engine:evaluate_json(json)
  local out = lib.verdict_evaluate_json(self.handle, json, #json)
  if out == C_NULL then return nil, "out of memory" end
  local text = ffi.string(out)
  lib.verdict_free(out)
  return text
end

local policy_types = {}
local function policy_type(name)
  local t = policy_types[name]
  if t == nil then
    t = lib.verdict_policy_type_from_name(name, #name)
    if t < 0 then error("verdict: unknown policy type " .. name, 3) end
    policy_types[name] = t
  end
  return t
end

local function set(ctx, setter, value)
  if value == nil or value == "" then return true end
  if setter(ctx, value, #value) ~= 0 then
    return nil, ffi.string(lib.verdict_context_errmsg(ctx))
  end
  return true
end

local function add_groups(ctx, groups)
  if groups == nil then return true end
  if type(groups) == "table" then
    for _, g in ipairs(groups) do
      local ok, err = set(ctx, lib.verdict_context_add_group, g)
      if not ok then return nil, err end
    end
    return true
  end
  for g in string.gmatch(groups, "[^,%s]+") do
    local ok, err = set(ctx, lib.verdict_context_add_group, g)
    if not ok then return nil, err end
  end
  return true
end

-- The builder path. `request` fields (all optional): id, user (user id),
-- groups (a table or a comma-separated string), ip_chain (an
-- X-Forwarded-For-style list, client first), app, risk, policy_type (default
-- "OKTA_SIGN_ON"). Returns a decision table, or nil and an error naming the
-- field (a malformed IP address, say).
function Engine:decide(request)
  local ctx, result = self.context, self.result
  lib.verdict_context_reset(ctx)
  local ok, err = set(ctx, lib.verdict_context_set_id, request.id)
  if ok then ok, err = set(ctx, lib.verdict_context_set_user_id, request.user) end
  if ok then ok, err = add_groups(ctx, request.groups) end
  if ok then ok, err = set(ctx, lib.verdict_context_add_ip_list, request.ip_chain) end
  if ok then ok, err = set(ctx, lib.verdict_context_set_app, request.app) end
  if ok then ok, err = set(ctx, lib.verdict_context_set_risk, request.risk) end
  if not ok then return nil, err end
  local status = lib.verdict_evaluate(self.handle, ctx,
                                      policy_type(request.policy_type or "OKTA_SIGN_ON"), result)
  if status ~= 0 then return nil, "verdict_evaluate failed with status " .. status end
  return {
    outcome = ffi.string(lib.verdict_outcome_name(lib.verdict_result_outcome(result, 0))),
    blocked = lib.verdict_result_blocked(result, 0) == 1,
    policy_id = str_or_nil(lib.verdict_result_policy_id(result, 0)),
    policy_name = str_or_nil(lib.verdict_result_policy_name(result, 0)),
    rule_id = str_or_nil(lib.verdict_result_rule_id(result, 0)),
    rule_name = str_or_nil(lib.verdict_result_rule_name(result, 0)),
    require_factor = lib.verdict_result_require_factor(result, 0) == 1,
  }
end

return M
