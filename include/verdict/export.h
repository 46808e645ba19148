// VERDICT_EXPORT marks what libverdict.so exports. The library is compiled
// with hidden visibility, so only marked declarations are part of its ABI:
// the C API (verdict/c_api.h) and the gateway-facing C++ API (engine.h,
// context.h, decision.h, decision_lines.h, snapshot.h, issue.h,
// ip_address.h, policy_type.h, geo.h). docs/embedding.md, "ABI policy".
// Static linking (verdict::core) is unaffected.
#ifndef VERDICT_EXPORT_H_
#define VERDICT_EXPORT_H_

#ifndef VERDICT_EXPORT
#if defined(_WIN32)
#define VERDICT_EXPORT __declspec(dllexport)
#else
#define VERDICT_EXPORT __attribute__((visibility("default")))
#endif
#endif

#endif  // VERDICT_EXPORT_H_
