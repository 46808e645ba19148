// Key pairs for the service-app tests, generated per run with OpenSSL (no
// private key is checked in): the private key as PEM for --private-key, the
// public key as PEM for the loopback token endpoint.
#ifndef VERDICT_TESTS_API_TEST_KEYS_H_
#define VERDICT_TESTS_API_TEST_KEYS_H_

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <string>

namespace verdict::testing {

struct TestKeyPair {
  std::string private_pem;
  std::string public_pem;
};

inline std::string BioText(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);  // NOLINT(runtime/int)
  std::string text(data, n > 0 ? static_cast<size_t>(n) : 0);
  BIO_free(bio);
  return text;
}

inline TestKeyPair PemPair(EVP_PKEY* key) {
  TestKeyPair pair;
  BIO* priv = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(priv, key, nullptr, nullptr, 0, nullptr, nullptr);
  pair.private_pem = BioText(priv);
  BIO* pub = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(pub, key);
  pair.public_pem = BioText(pub);
  EVP_PKEY_free(key);
  return pair;
}

// An RSA key of `bits`, or an EC key on `curve` ("P-256", "P-384", "P-521").
inline TestKeyPair MakeRsaKey(unsigned bits = 2048) { return PemPair(EVP_RSA_gen(bits)); }
inline TestKeyPair MakeEcKey(const char* curve = "P-256") { return PemPair(EVP_EC_gen(curve)); }

}  // namespace verdict::testing

#endif  // VERDICT_TESTS_API_TEST_KEYS_H_
