// HttpClient over TLS: an in-process Beast TLS server with a self-signed
// certificate the test makes itself through OpenSSL; verification, SNI and an
// unreadable CA file.
#include "engine/adapters/live/http/http_client.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <functional>
#include <memory>
#include <thread>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl.hpp>

#include "live/canned_server.hpp"

namespace clsim::live {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

struct TestCert {
  std::string cert_pem, key_pem;
};

std::string pem_of(const std::function<int(BIO*)>& write) {
  BIO* bio = BIO_new(BIO_s_mem());
  write(bio);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string out(data, std::size_t(n));
  BIO_free(bio);
  return out;
}

// A self-signed P-256 certificate for localhost and 127.0.0.1, valid for a day.
TestCert make_self_signed() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, cert, cert, nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair{NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1"},
                            std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, nid, value);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
  X509_sign(cert, key, EVP_sha256());
  TestCert out{pem_of([&](BIO* b) { return PEM_write_bio_X509(b, cert); }),
               pem_of([&](BIO* b) { return PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr); })};
  X509_free(cert);
  EVP_PKEY_free(key);
  return out;
}

// Answers each connection's first request with "tls ok", then closes.
class TlsServer {
 public:
  TlsServer(asio::io_context& io, const TestCert& cert)
      : acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)), ctx_(asio::ssl::context::tls_server) {
    ctx_.use_certificate_chain(asio::buffer(cert.cert_pem));
    ctx_.use_private_key(asio::buffer(cert.key_pem), asio::ssl::context::pem);
    accept();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::string sni;

 private:
  struct Conn {
    Conn(tcp::socket s, asio::ssl::context& ctx) : stream(std::move(s), ctx) {}
    beast::ssl_stream<beast::tcp_stream> stream;
    beast::flat_buffer buffer;
    http::request<http::string_body> req;
    http::response<http::string_body> res;
  };
  void accept() {
    acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;
      auto c = std::make_shared<Conn>(std::move(socket), ctx_);
      c->stream.async_handshake(asio::ssl::stream_base::server, [this, c](beast::error_code hec) {
        if (hec) return;
        if (const char* name = SSL_get_servername(c->stream.native_handle(), TLSEXT_NAMETYPE_host_name)) sni = name;
        http::async_read(c->stream, c->buffer, c->req, [c](beast::error_code rec, std::size_t) {
          if (rec) return;
          c->res = http::response<http::string_body>(http::status::ok, 11);
          c->res.body() = "tls ok";
          c->res.keep_alive(false);
          c->res.prepare_payload();
          http::async_write(c->stream, c->res, [c](beast::error_code, std::size_t) {
            beast::get_lowest_layer(c->stream).socket().close();  // no close_notify, as many servers do
          });
        });
      });
      accept();
    });
  }
  tcp::acceptor acceptor_;
  asio::ssl::context ctx_;
};

TEST(HttpClient, HttpsWithoutVerificationTalksToASelfSignedServer) {
  asio::io_context io;
  TlsServer server(io, make_self_signed());
  HttpClientOptions options = quick();
  options.verify_tls = false;
  HttpClient client(io, local_url(server.port(), "https"), options);
  const auto r = call(io, client, "GET", "/");
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.body, "tls ok");
}

TEST(HttpClient, HttpsVerifiesTheServerAgainstTheGivenCaFileAndSendsSni) {
  asio::io_context io;
  const auto cert = make_self_signed();
  TlsServer server(io, cert);
  const std::string ca_file = testing::TempDir() + "clsim_http_client_ca_" + std::to_string(::getpid()) + ".pem";
  std::ofstream(ca_file) << cert.cert_pem;
  HttpClientOptions options = quick();
  options.ca_file = ca_file;
  HttpClient client(io, *parse_url("https://localhost:" + std::to_string(server.port())), options);
  const auto r = call(io, client, "GET", "/");
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(server.sni, "localhost");
  std::remove(ca_file.c_str());
}

TEST(HttpClient, HttpsRefusesAnUntrustedCertificate) {
  asio::io_context io;
  TlsServer server(io, make_self_signed());
  HttpClient client(io, local_url(server.port(), "https"), quick());  // system trust store only
  const auto r = call(io, client, "GET", "/");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.error.find("tls handshake"), std::string::npos) << r.error;
}

TEST(HttpClient, UnreadableCaFileIsRefusedAtConstruction) {
  asio::io_context io;
  HttpClientOptions options = quick();
  options.ca_file = "/nonexistent/ca.pem";
  EXPECT_THROW(HttpClient(io, *parse_url("https://127.0.0.1:1"), options), std::invalid_argument);
}

}  // namespace
}  // namespace clsim::live
