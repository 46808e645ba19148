// Links the installed verdict::verdict (the core plus the tool stages) and
// calls into a tool stage: a System Log event becomes a context.
#include <iostream>

#include "verdict/system_log.h"

int main() {
  const auto event = verdict::ParseLogEvent(
      R"({"uuid": "e1", "eventType": "user.session.start", "published": "2026-11-28T12:00:00Z",
          "actor": {"id": "00u1", "type": "User", "alternateId": "ann@acme.example"},
          "client": {"ipAddress": "203.0.113.7"}})");
  if (!event.ok()) {
    std::cerr << "verdict_tools_consumer: " << event.status().message() << "\n";
    return 1;
  }
  std::cout << "verdict_tools_consumer: event " << event->uuid << "\n";
  return 0;
}
