// ReadContextsInBatches with per-context handlers: each context is made by
// make_item, passed to on_context exactly once (on any worker), and reaches
// on_batch afterwards, in input order, for both inputs (context lines and a
// System Log) and any thread count.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/subprocess.h"
#include "tools/policy-sim/cli_util.h"

namespace verdict::cli {
namespace {

// What the handlers record about one context.
struct CountedItem : SourcedContext {
  int on_context_calls = 0;
  std::string seen_id;  // the context id on_context saw
};

struct Seen {
  std::vector<std::string> ids;  // in on_batch order
  bool all_counted_once = true;
  std::atomic<int> made{0};
};

ContextHandlers CountingHandlers(Seen* seen) {
  ContextHandlers handlers;
  handlers.make_item = [seen] {
    ++seen->made;
    return std::make_unique<CountedItem>();
  };
  handlers.on_context = [](SourcedContext& base) {
    CountedItem& item = static_cast<CountedItem&>(base);
    ++item.on_context_calls;
    item.seen_id = item.context.id;
  };
  handlers.on_batch = [seen](std::span<SourcedContext* const> batch) {
    for (SourcedContext* base : batch) {
      CountedItem& item = static_cast<CountedItem&>(*base);
      if (item.on_context_calls != 1 || item.seen_id != item.context.id) {
        seen->all_counted_once = false;
      }
      item.on_context_calls = 0;  // items are reused for later batches
      seen->ids.push_back(item.context.id);
    }
  };
  return handlers;
}

// Reads `input` through the counting handlers at 1, 2 and 3 threads; checks
// that every context reached on_batch in input order (`expected` ids) after
// exactly one on_context, then `more(seen, totals, threads)`.
template <typename More>
void ReadAtEveryThreadCount(const ContextInput& input, size_t batch_size,
                            const std::vector<std::string>& expected, More&& more) {
  for (size_t threads : {1u, 2u, 3u}) {
    SetMaxThreads(threads);
    Seen seen;
    InputTotals totals;
    ASSERT_TRUE(ReadContextsInBatches(input, CountingHandlers(&seen), &totals, batch_size).ok());
    EXPECT_EQ(seen.ids, expected) << threads << " threads";
    EXPECT_TRUE(seen.all_counted_once) << threads << " threads";
    EXPECT_EQ(totals.evaluated, expected.size());
    more(seen, totals, threads);
  }
}

class ReadContextsTest : public ::testing::Test {
 protected:
  void TearDown() override { SetMaxThreads(0); }
  verdict_test::TempDir tmp_;
};

TEST_F(ReadContextsTest, ContextLinesGoThroughEveryHandlerInOrder) {
  const std::filesystem::path path = tmp_.path() / "contexts.jsonl";
  std::vector<std::string> expected;
  {
    std::ofstream out(path);
    for (int i = 0; i < 1000; ++i) {
      if (i % 97 == 5) out << "{not json\n";  // malformed lines are skipped
      expected.push_back(absl::StrCat("c", i));
      out << R"({"id":"c)" << i << R"(","ipChain":["192.0.2.1"]})"
          << "\n";
    }
  }
  ContextInput input;
  input.contexts_path = path.string();
  ReadAtEveryThreadCount(input, 64, expected,
                         [](const Seen& seen, const InputTotals& totals, size_t) {
                           EXPECT_EQ(totals.malformed, 11u);
                           EXPECT_GT(seen.made.load(), 0);
                         });
}

TEST_F(ReadContextsTest, LogEventsGoThroughEveryHandlerInOrderWithReusedItems) {
  const std::filesystem::path path = tmp_.path() / "events.jsonl";
  std::vector<std::string> expected;
  uint64_t broken = 0;
  {
    std::ofstream out(path);
    for (int i = 0; i < 3000; ++i) {
      if (i % 10 == 3) {
        out << R"({"uuid":"other)" << i << R"(","eventType":"user.lifecycle.create"})"
            << "\n";
        continue;
      }
      if (i % 101 == 7) {
        out << "{\"uuid\": broken\n";
        ++broken;
      }
      expected.push_back(absl::StrCat("evt", i));
      out << R"({"uuid":"evt)" << i
          << R"(","eventType":"policy.evaluate_sign_on","actor":{"id":"00u1","type":"User"},)"
          << R"("client":{"ipAddress":"192.0.2.)" << i % 250
          << R"("},"outcome":{"result":"ALLOW"}})"
          << "\n";
    }
  }
  ContextInput input;
  input.logs_path = path.string();
  ReadAtEveryThreadCount(
      input, 512, expected, [&](const Seen& seen, const InputTotals& totals, size_t threads) {
        EXPECT_EQ(totals.read, totals.evaluated + totals.skipped + totals.malformed);
        EXPECT_EQ(totals.skipped, 300u);
        EXPECT_EQ(totals.malformed, broken);
        // Items are kept from part to part: far fewer made than contexts.
        EXPECT_LT(static_cast<size_t>(seen.made.load()), expected.size() / 2) << threads;
      });
}

}  // namespace
}  // namespace verdict::cli
