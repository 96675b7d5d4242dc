#include "live_faults/kill_run.hpp"

#include <gtest/gtest.h>

#include <iostream>
#include <thread>

namespace clsim::live_faults {

KillRun drive_under_kills(KillLoop& killer, Driver& driver, Clock::time_point start, Clock::duration limit,
                          const std::function<std::string()>& each_round) {
  KillRun run;
  const auto deadline = start + limit;
  while (Clock::now() < deadline && !(run.finished && killer.done())) {
    run.failure = killer.failure();
    if (run.failure.empty()) run.failure = each_round();
    if (!run.failure.empty()) break;
    killer.restart_if_due();
    driver.tick(start);
    if (!run.finished && driver.finished()) {
      run.finished = true;
      run.kills_before_finish = killer.kills_done();
    }
    std::this_thread::sleep_for(Ms(20));
  }
  killer.stop();
  if (run.failure.empty()) run.failure = killer.failure();
  const auto wall = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - start).count();
  std::cout << "kills " << killer.kills_done() << " (" << run.kills_before_finish
            << " before the workload finished), " << driver.retry_summary() << ", wall " << wall << " s" << std::endl;
  return run;
}

void check_kill_run(const KillRun& run, const KillLoop& killer, std::size_t planned, const Driver& driver,
                    const FaultWorld& world, const std::string& plan, long long limit_s) {
  ASSERT_TRUE(run.failure.empty()) << plan << "\n" << run.failure;
  ASSERT_TRUE(run.finished) << plan << "\nnot finished after " << limit_s << " s\n"
                            << driver.unfinished() << world.where() << "\n"
                            << world.log_tails();
  ASSERT_EQ(killer.kills_done(), planned) << plan;
  EXPECT_GE(run.kills_before_finish, planned / 2) << "most kills must land while the workload runs";
  for (const auto& p : driver.problems()) ADD_FAILURE() << plan << "\n" << p;
}

}  // namespace clsim::live_faults
