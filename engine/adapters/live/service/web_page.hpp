// The page `clsim serve` answers at `/`: campaigns and their live state updates
// over the service's own WebSocket, plain HTML and script with no build step and
// no network beyond the service itself.
#pragma once
#include <string_view>

namespace clsim::live {

std::string_view web_page();

}  // namespace clsim::live
