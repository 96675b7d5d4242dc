// One keep-alive connection of HttpClient, plain or TLS, and the TLS context the
// client's connections share. Private to http_client.cpp: it pulls in Beast and
// OpenSSL, which the adapters' public headers must not.
#pragma once
#include <sys/socket.h>

#include <cerrno>
#include <optional>
#include <stdexcept>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl.hpp>

#include "engine/adapters/live/http/http_client.hpp"

namespace clsim::live::http_detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

// One TCP connection, plain or TLS, with the read buffer that belongs to it.
class Connection {
 public:
  Connection(asio::io_context& io, ssl::context* tls) {
    if (tls) {
      tls_.emplace(io, *tls);
    } else {
      plain_.emplace(io);
    }
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  beast::tcp_stream& tcp() { return tls_ ? tls_->next_layer() : *plain_; }
  beast::ssl_stream<beast::tcp_stream>* tls() { return tls_ ? &*tls_ : nullptr; }
  // Calls f with the stream requests are written to and answers read from.
  template <class F>
  void visit(F&& f) {
    if (tls_) {
      f(*tls_);
    } else {
      f(*plain_);
    }
  }
  // Closing the socket cancels every pending operation on it (and on TLS above it).
  void close() {
    beast::error_code ignored;
    tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
    tcp().socket().close(ignored);
  }
  // Whether an idle connection still looks usable: a peer that closed it while it
  // sat in the pool has left an end-of-file to read. Does not block or consume.
  bool looks_open() {
    auto& socket = tcp().socket();
    if (!socket.is_open()) return false;
    char byte = 0;
    const auto n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n == 0) return false;
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK;
    // Unasked bytes: on TLS most likely a session ticket, on plain HTTP garbage.
    return tls_.has_value();
  }

  beast::flat_buffer buffer;

 private:
  std::optional<beast::tcp_stream> plain_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls_;
};

// The verification and protocol settings every connection of one client uses.
// Throws std::invalid_argument when the CA file cannot be loaded.
inline ssl::context make_tls_context(const HttpClientOptions& options) {
  ssl::context ctx(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  // A server that closes without close_notify would otherwise surface as an
  // unmapped error after a complete answer (DESIGN.md, Known traps).
  SSL_CTX_set_options(ctx.native_handle(), SSL_OP_IGNORE_UNEXPECTED_EOF);
  if (!options.verify_tls) {
    ctx.set_verify_mode(ssl::verify_none);
    return ctx;
  }
  ctx.set_verify_mode(ssl::verify_peer);
  beast::error_code ec;
  if (options.ca_file.empty()) {
    ctx.set_default_verify_paths(ec);
  } else {
    ctx.load_verify_file(options.ca_file, ec);
  }
  if (ec) throw std::invalid_argument("ca_file '" + options.ca_file + "': " + ec.message());
  return ctx;
}

}  // namespace clsim::live::http_detail
