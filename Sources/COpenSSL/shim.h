// The parts of libcrypto (OpenSSL 3.0) that the Signing module calls.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/err.h>
#include <openssl/sha.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/bio.h>
