// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.30;

import {Rsa2048} from "./Rsa2048.sol";

/**
 * @title RsaPssSha256
 * @notice RSASSA-PSS signature verification (RFC 8017 §8.1.2 with EMSA-PSS-VERIFY, §9.1.2) for
 * RSA-2048 keys with e = 65537, SHA-256 as the message hash and in MGF1, and a 32-byte salt:
 * the token scheme of PROTOCOL.md §3.2. It accepts exactly the signatures OpenSSL accepts
 * with `RSA_PKCS1_PSS_PADDING` and `saltLength: 32` (checked in test/contracts).
 *
 * Uses the modexp (0x05) and SHA-256 (0x02) precompiles, through Rsa2048 (the RSA operation and MGF1).
 * Never reverts: a signature or modulus of the wrong length, `s >= n`, a bad encoding or a failed
 * precompile call all give `false`.
 *
 * WARNING: A precompile call that runs out of gas also gives `false`. A caller that records a rejection
 * must make sure this cannot turn a valid signature into a recorded rejection (in BallotBox, the 1/64 of
 * gas EIP-150 leaves after the call is far too little to emit VoteRejected).
 *
 * WARNING: This verification does not prevent replay. A valid signature stays valid every time it is
 * checked; the caller must make it single-use (BallotBox records each voter address once per ballot).
 *
 * WARNING: The caller must check that the modulus is a genuine 2048-bit RSA modulus (top bit set, odd);
 * this library only rejects a modulus whose top bit is clear. It cannot detect a malformed key (BallotBox
 * also requires the issuer key proof of IssuerKeyProof, PROTOCOL.md §2.5).
 */
library RsaPssSha256 {
    /// @dev Modulus and signature length in bytes (k = 256 for RSA-2048); emLen is also 256 (emBits = 2047).
    uint256 private constant _K = 256;

    /**
     * @dev Verifies `signature` over `message` (hashed here with SHA-256).
     */
    function verify(bytes memory message, bytes memory signature, bytes memory modulus) internal view returns (bool) {
        return verifyDigest(sha256(message), signature, modulus);
    }

    /**
     * @dev Verifies `signature` given `mHash = SHA-256(message)`. See the library's NatSpec for the warnings.
     */
    function verifyDigest(bytes32 mHash, bytes memory signature, bytes memory modulus) internal view returns (bool ok) {
        if (signature.length != _K || modulus.length != _K) return false;
        uint256 s;
        uint256 n;
        uint256 p; // scratch space past the free memory pointer; nothing is allocated
        assembly ("memory-safe") {
            s := add(signature, 0x20)
            n := add(modulus, 0x20)
            p := mload(0x40)
            // A modulus with its top bit clear is not 2048 bits long: reject.
            ok := shr(255, mload(n))
        }
        // RSAVP1 (RFC 8017 §5.2.2): s in [0, n), then EM = I2OSP(s^65537 mod n, 256) at p.
        if (!ok || !Rsa2048.pow65537(s, n, p)) return false;

        // EMSA-PSS-VERIFY (RFC 8017 §9.1.2), emLen = 256, emBits = 2047, hLen = sLen = 32:
        // EM = maskedDB (223 bytes) | H (32 bytes) | 0xbc.
        bytes32 h;
        assembly ("memory-safe") {
            h := mload(add(p, 0xdf)) // step 5: H = EM[223..255)
            // Step 4: the trailer is 0xbc. Step 6: the leftmost bit of maskedDB (8 * emLen - emBits = 1) is zero.
            ok := and(eq(and(mload(add(p, 0xe0)), 0xff), 0xbc), iszero(shr(255, mload(p))))
            mstore(add(p, 0x100), h) // the MGF1 seed, after EM
        }
        // Steps 7-8: DB = maskedDB xor MGF1-SHA256(H, 223), the first 223 bytes of 7 blocks, at p + 0x140.
        if (!ok || !Rsa2048.mgf1Sha256(p + 0x100, 0x20, 7, p + 0x140)) return false;
        assembly ("memory-safe") {
            // Step 10: DB = PS (190 zero bytes) | 0x01 | salt (32 bytes); step 9 clears DB's top bit.
            let db5 := 0
            let salt := 0
            for { let i := 0 } and(ok, lt(i, 7)) { i := add(i, 1) } {
                let w := xor(mload(add(p, mul(i, 0x20))), mload(add(add(p, 0x140), mul(i, 0x20))))
                switch i
                case 0 { if and(w, not(shl(255, 1))) { ok := 0 } } // PS, top bit cleared (step 9)
                case 5 {
                    // DB[160..192): PS up to byte 189, 0x01 at byte 190, salt[0] at byte 191.
                    if iszero(eq(shr(8, w), 1)) { ok := 0 }
                    db5 := w
                }
                case 6 { salt := or(shl(248, db5), shr(8, w)) } // salt = DB[191..223); w's last byte is H's
                default { if w { ok := 0 } } // PS
            }
            if ok {
                // Steps 12-14: H' = SHA-256(0x00 * 8 | mHash | salt) must equal H.
                let q := add(p, 0x100)
                mstore(q, 0)
                mstore(add(q, 0x08), mHash)
                mstore(add(q, 0x28), salt)
                ok := staticcall(gas(), 0x02, q, 0x48, q, 0x20)
                ok := and(ok, eq(mload(q), h))
            }
        }
    }
}
