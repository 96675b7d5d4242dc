// The X API's answers as the engine sees them: HTTP status plus RFC 7807 problem
// title/detail, worded as the real service words them (docs/FIDELITY.md §1), and the
// tweet length rule (code points, a URL weighted 23).
#pragma once
#include <string>
#include <string_view>

#include "engine/ports/social.hpp"

namespace clsim::mocks::problems {

engine::ApiStatus ok();       // 200
engine::ApiStatus created();  // 201
engine::ApiStatus invalid_request(std::string detail);
engine::ApiStatus unauthorized();
engine::ApiStatus client_forbidden();
engine::ApiStatus forbidden(std::string detail);
engine::ApiStatus duplicate_content();
engine::ApiStatus too_many_requests(engine::TimePoint reset);
engine::ApiStatus usage_capped(engine::TimePoint reset);
// 500, 502, 503 or 504 with the matching title.
engine::ApiStatus server_error(int http);
// No response: http 0.
engine::ApiStatus timed_out();

}  // namespace clsim::mocks::problems

namespace clsim::mocks {

// Unicode code points of UTF-8 `text`; with `weight_urls`, every http(s):// run up
// to whitespace counts 23, as X's t.co wrapping does.
int tweet_weighted_length(std::string_view text, bool weight_urls);

}  // namespace clsim::mocks
