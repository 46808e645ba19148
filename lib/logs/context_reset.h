// Emptying a SignOnContext for reuse: what the System Log conversion
// (log_context.cc) and ContextReader (context_reader.cc) do before filling
// the context of their next input, so that steady-state reading allocates
// next to nothing.
#ifndef VERDICT_LIB_LOGS_CONTEXT_RESET_H_
#define VERDICT_LIB_LOGS_CONTEXT_RESET_H_

#include "verdict/context.h"

namespace verdict::logs {

// Makes *c equal to a default-constructed SignOnContext, keeping the
// buffers of its strings and vectors — except user.groups, which keeps its
// elements too: both readers always assign it (or clear it), and assigning
// element by element reuses the strings' buffers. The context may hold what
// a caller set after the previous input (geolocation, for one), so every
// member is reset, not only those a reader fills.
void ResetContextKeepingBuffers(SignOnContext* c);

}  // namespace verdict::logs

#endif  // VERDICT_LIB_LOGS_CONTEXT_RESET_H_
