// RedisMock unit tests: consumer-group redelivery, the errors docs/FIDELITY.md lists,
// expiry and XADD ids on virtual time, Pub/Sub at most once.
#include <gtest/gtest.h>

#include "mocks/redis/redis_mock.hpp"

namespace clsim::mocks {
namespace {

using engine::Duration;
using engine::TimePoint;

const TimePoint kT0 = engine::from_us(engine::kDefaultStartUs);
TimePoint at_ms(std::int64_t ms) { return kT0 + Duration(ms * 1000); }

Reply bulk(const char* s) { return Reply::bulk(s); }

TEST(RedisMock, CrashedConsumersPendingEntryIsAutoclaimedWithDeliveryCountIncremented) {
  RedisMock r;
  ASSERT_EQ(r.execute({"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"}, at_ms(0)), Reply::ok());
  ASSERT_EQ(r.execute({"XADD", "s", "5-1", "k", "v"}, at_ms(0)), bulk("5-1"));
  // "a" reads the entry, then crashes without acking.
  auto read = r.execute({"XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", ">"}, at_ms(10));
  ASSERT_EQ(read.elements.size(), 1u);
  // Too fresh for a 1000 ms min-idle claim.
  auto early = r.execute({"XAUTOCLAIM", "s", "g", "b", "1000", "0-0"}, at_ms(500));
  EXPECT_TRUE(early.elements[1].elements.empty());
  auto claimed = r.execute({"XAUTOCLAIM", "s", "g", "b", "1000", "0-0"}, at_ms(1010));
  ASSERT_EQ(claimed.elements[1].elements.size(), 1u);
  EXPECT_EQ(claimed.elements[0], bulk("0-0"));
  EXPECT_EQ(claimed.elements[1].elements[0].elements[0], bulk("5-1"));
  auto pending = r.execute({"XPENDING", "s", "g", "-", "+", "10"}, at_ms(1510));
  ASSERT_EQ(pending.elements.size(), 1u);
  EXPECT_EQ(pending.elements[0].elements[1], bulk("b"));
  EXPECT_EQ(pending.elements[0].elements[2], Reply::integer_of(500));  // idle on virtual time
  EXPECT_EQ(pending.elements[0].elements[3], Reply::integer_of(2));
}

TEST(RedisMock, RereadingOwnPendingCountsADeliveryAndDeletedEntryComesBackNil) {
  RedisMock r;
  r.execute({"XGROUP", "CREATE", "s", "g", "0", "MKSTREAM"}, at_ms(0));
  r.execute({"XADD", "s", "1-1", "k", "a"}, at_ms(0));
  r.execute({"XADD", "s", "1-2", "k", "b"}, at_ms(0));
  r.execute({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"}, at_ms(1));
  r.execute({"XDEL", "s", "1-1"}, at_ms(2));
  auto again = r.execute({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "0"}, at_ms(3));
  const auto& entries = again.elements[0].elements[1].elements;
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].elements[1], Reply::nil_array());
  auto pending = r.execute({"XPENDING", "s", "g", "-", "+", "10"}, at_ms(3));
  EXPECT_EQ(pending.elements[0].elements[3], Reply::integer_of(1));  // deleted: not counted
  EXPECT_EQ(pending.elements[1].elements[3], Reply::integer_of(2));
  // Nothing new: a null array, as a timed-out block.
  EXPECT_EQ(r.execute({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"}, at_ms(4)), Reply::nil_array());
}

TEST(RedisMock, XackOfUnknownIdOrMissingGroupIsZero) {
  RedisMock r;
  EXPECT_EQ(r.execute({"XACK", "nokey", "g", "1-1"}, kT0), Reply::integer_of(0));
  r.execute({"XGROUP", "CREATE", "s", "g", "0", "MKSTREAM"}, kT0);
  EXPECT_EQ(r.execute({"XACK", "s", "g", "9-9"}, kT0), Reply::integer_of(0));
  EXPECT_EQ(r.execute({"XACK", "s", "nogroup", "9-9"}, kT0), Reply::integer_of(0));
  EXPECT_TRUE(r.execute({"XACK", "s", "g", "1-1", "bad"}, kT0).is_error());  // all or nothing
}

TEST(RedisMock, NogroupAndBusygroupErrorsMatchRedis) {
  RedisMock r;
  EXPECT_EQ(r.execute({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"}, kT0),
            Reply::error("NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option"));
  EXPECT_EQ(r.execute({"XGROUP", "CREATE", "s", "g", "$"}, kT0).str.rfind("ERR The XGROUP subcommand requires", 0),
            0u);
  ASSERT_EQ(r.execute({"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"}, kT0), Reply::ok());
  EXPECT_EQ(r.execute({"XGROUP", "CREATE", "s", "g", "$"}, kT0),
            Reply::error("BUSYGROUP Consumer Group name already exists"));
  EXPECT_EQ(r.execute({"XPENDING", "s", "other"}, kT0),
            Reply::error("NOGROUP No such key 's' or consumer group 'other'"));
  EXPECT_EQ(r.execute({"XAUTOCLAIM", "s", "g", "c", "0", "0", "COUNT", "0"}, kT0),
            Reply::error("ERR COUNT must be > 0"));
}

TEST(RedisMock, XaddIdsFollowVirtualTimeAndRejectOldIds) {
  RedisMock r;
  EXPECT_EQ(r.execute({"XADD", "s", "*", "k", "v"}, at_ms(7)).str, std::to_string(engine::kDefaultStartUs / 1000 + 7) + "-0");
  EXPECT_EQ(r.execute({"XADD", "s", "*", "k", "v"}, at_ms(7)).str, std::to_string(engine::kDefaultStartUs / 1000 + 7) + "-1");
  EXPECT_EQ(r.execute({"XADD", "s", "1-1", "k", "v"}, at_ms(8)),
            Reply::error("ERR The ID specified in XADD is equal or smaller than the target stream top item"));
  EXPECT_EQ(r.execute({"XADD", "t", "0-0", "k", "v"}, at_ms(8)),
            Reply::error("ERR The ID specified in XADD must be greater than 0-0"));
  EXPECT_EQ(r.execute({"XADD", "u", "NOMKSTREAM", "*", "k", "v"}, at_ms(8)), Reply::nil());
  EXPECT_EQ(r.execute({"XLEN", "s"}, at_ms(8)), Reply::integer_of(2));
}

TEST(RedisMock, SetNxPxLockExpiresOnVirtualTime) {
  RedisMock r;
  EXPECT_EQ(r.execute({"SET", "lock", "a", "NX", "PX", "1000"}, at_ms(0)), Reply::ok());
  EXPECT_EQ(r.execute({"SET", "lock", "b", "NX", "PX", "1000"}, at_ms(999)), Reply::nil());
  EXPECT_EQ(r.execute({"GET", "lock"}, at_ms(1000)), bulk("a"));  // Redis: expired once now > deadline
  EXPECT_EQ(r.execute({"GET", "lock"}, at_ms(1001)), Reply::nil());
  EXPECT_EQ(r.execute({"SET", "lock", "b", "NX", "PX", "1000"}, at_ms(1001)), Reply::ok());
  EXPECT_EQ(r.execute({"SET", "lock", "c", "PX", "0"}, at_ms(1001)),
            Reply::error("ERR invalid expire time in 'set' command"));
  EXPECT_EQ(r.execute({"DEL", "lock", "nothing"}, at_ms(1002)), Reply::integer_of(1));
}

TEST(RedisMock, PublishWithoutSubscriberIsLostAndCountsReceivers) {
  RedisMock r;
  std::vector<Reply> got;
  EXPECT_EQ(r.execute({"PUBLISH", "ch", "early"}, kT0), Reply::integer_of(0));
  const auto a = r.connect([&](const Reply& m) { got.push_back(m); });
  const auto b = r.connect([&](const Reply& m) { got.push_back(m); });
  r.execute({"SUBSCRIBE", "ch"}, kT0, a);
  r.execute({"SUBSCRIBE", "ch"}, kT0, b);
  EXPECT_EQ(r.execute({"PUBLISH", "ch", "x"}, kT0), Reply::integer_of(2));
  r.disconnect(b);
  EXPECT_EQ(r.execute({"PUBLISH", "ch", "y"}, kT0), Reply::integer_of(1));
  ASSERT_EQ(got.size(), 3u);  // "early" reached nobody, ever
  EXPECT_EQ(got[2], Reply::array({bulk("message"), bulk("ch"), bulk("y")}));
}

TEST(RedisMock, BlockedReadersShareAGroupRoundRobin) {
  RedisMock r;
  r.execute({"XGROUP", "CREATE", "s", "g", "0", "MKSTREAM"}, kT0);
  std::vector<std::string> seen;
  const auto ra = r.add_group_reader("s", "g", "a", [&](const auto& p) { seen.push_back(p.consumer + p.id.str()); }, kT0);
  r.add_group_reader("s", "g", "b", [&](const auto& p) { seen.push_back(p.consumer + p.id.str()); }, kT0);
  for (int i = 1; i <= 3; ++i) r.execute({"XADD", "s", std::to_string(i) + "-0", "k", "v"}, kT0);
  r.remove_group_reader(ra);
  r.execute({"XADD", "s", "4-0", "k", "v"}, kT0);
  EXPECT_EQ(seen, (std::vector<std::string>{"a1-0", "b2-0", "a3-0", "b4-0"}));
  EXPECT_EQ(r.execute({"XPENDING", "s", "g"}, kT0).elements[0], Reply::integer_of(4));
}

}  // namespace
}  // namespace clsim::mocks
