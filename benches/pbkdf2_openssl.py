"""Reference timing for the digest benchmark: OpenSSL's PBKDF2-HMAC-SHA512 through Python's
hashlib, same password, salt size and 310,000 iterations. Run by hand: python3 benches/pbkdf2_openssl.py"""
import hashlib
import time

runs = []
for _ in range(10):
    t = time.perf_counter()
    hashlib.pbkdf2_hmac("sha512", b"insecure_secret", bytes([7] * 16), 310_000, 64)
    runs.append(time.perf_counter() - t)
runs.sort()
print(f"hashlib (OpenSSL {__import__('ssl').OPENSSL_VERSION}) pbkdf2-sha512 310000: "
      f"median {runs[len(runs)//2]*1000:.1f} ms, min {runs[0]*1000:.1f} ms")
