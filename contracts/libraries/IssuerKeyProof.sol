// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.30;

import {IBallotBox} from "../interfaces/IBallotBox.sol";
import {Rsa2048} from "./Rsa2048.sol";

/**
 * @title IssuerKeyProof
 * @notice Verifies the issuer key proof of PROTOCOL.md §2.5: e-th roots (e = 65537) of
 * ISSUER_KEY_PROOF_ROUNDS challenges derived from the modulus, which prove that gcd(e, φ(n)) = 1, so that
 * x ↦ x^e permutes Z_n* and blind issuance (§3.3) hides the voter address from the issuer (Goldberg, Reyzin,
 * Sagga, Baldimtsi 2019, "Efficient noninteractive certification of RSA moduli and beyond", §3).
 *
 * Challenge i is `ρ_i = MGF1-SHA256(abi.encode(KEY_PROOF_DOMAIN, modulus, i), 256 bytes)` with its most
 * significant bit cleared (so `ρ_i < 2^2047 <= n`); the proof is `σ_0 | ... | σ_(ROUNDS-1)`, 256 bytes each,
 * and is valid when every `σ_i < n` and `σ_i^65537 mod n == ρ_i`.
 *
 * The proof says nothing of the factorization, and a PRIME n passes it whenever 65537 does not divide n - 1:
 * then φ(n) = n - 1 and anyone can compute the private exponent and sign tokens. {checkKey} therefore also
 * requires one Fermat witness of compositeness, `2^(n-1) mod n != 1` (every prime gives 1). The stricter rule of
 * §2.5 (no factor below 2^16, not a perfect power, a Miller-Rabin witness) is checked off chain
 * (protocol/token/modulus-check.ts): it implies this one.
 *
 * WARNING: A precompile call that runs out of gas makes the proof fail at the current index: a caller that
 * reverts on failure (BallotBox.createBallot) turns that into a revert of the whole transaction. The Fermat
 * check's call (about 700,000 gas under EIP-2565, 7,900,000 under EIP-7883) reverts with no data when it runs
 * out of gas, as running out of gas does, rather than with an error that would blame the modulus.
 */
library IssuerKeyProof {
    /// @notice Domain tag of the challenges (PROTOCOL.md §2.5).
    bytes32 internal constant KEY_PROOF_DOMAIN = keccak256("urne.issuer-key-proof.v1");
    /// @notice Number of challenges: a key with gcd(e, φ(n)) != 1 passes with probability below (4/e)^10 ≈ 2^-140.
    uint256 internal constant ISSUER_KEY_PROOF_ROUNDS = 10;
    /// @notice Length of a proof in bytes: one 256-byte e-th root per round.
    uint256 internal constant PROOF_LENGTH = ISSUER_KEY_PROOF_ROUNDS * Rsa2048.LENGTH;

    /// @notice The base of the Fermat check: `FERMAT_BASE^(n-1) mod n != 1` proves n composite.
    uint256 internal constant FERMAT_BASE = 2;

    /**
     * @dev Reverts unless `modulus` is an issuer modulus of PROTOCOL.md §2.5 (256 bytes, top bit set, odd:
     * {IBallotBox.BallotBoxInvalidIssuerKey}; shown composite by the Fermat witness 2:
     * {IBallotBox.BallotBoxIssuerModulusProbablePrime}) and `proof` is valid for it
     * ({IBallotBox.BallotBoxInvalidIssuerKeyProof}). The Fermat check costs one modexp with a 2048-bit exponent
     * (about 700,000 gas under EIP-2565 pricing); ballots are created rarely.
     */
    function checkKey(bytes calldata modulus, bytes calldata proof) internal view {
        uint256 length = modulus.length;
        if (length != Rsa2048.LENGTH || modulus[0] < 0x80 || uint8(modulus[length - 1]) & 1 == 0) {
            (bytes1 first, bytes1 last) = length > 0 ? (modulus[0], modulus[length - 1]) : (bytes1(0), bytes1(0));
            revert IBallotBox.BallotBoxInvalidIssuerKey(length, first, last);
        }
        if (!isFermatComposite(modulus)) revert IBallotBox.BallotBoxIssuerModulusProbablePrime(FERMAT_BASE);
        (bool valid, uint256 index) = verify(modulus, proof);
        if (!valid) revert IBallotBox.BallotBoxInvalidIssuerKeyProof(index);
    }

    /**
     * @dev Whether `2^(n-1) mod n != 1` for the modulus n (256 bytes, odd: checked by the caller), which proves n
     * composite (Fermat's little theorem). Reverts with no data when the precompile call fails (out of gas).
     * Input of the modexp precompile (EIP-198), in scratch space past the free memory pointer:
     * len(base) = 1 | len(exp) = 256 | len(mod) = 256 | base = 0x02 | exp = n - 1 | mod = n (0x261 bytes).
     */
    function isFermatComposite(bytes calldata modulus) internal view returns (bool composite) {
        assembly ("memory-safe") {
            let input := mload(0x40)
            mstore(input, 1)
            mstore(add(input, 0x20), 0x100)
            mstore(add(input, 0x40), 0x100)
            mstore8(add(input, 0x60), FERMAT_BASE)
            let exponent := add(input, 0x61)
            calldatacopy(exponent, modulus.offset, 0x100)
            // n - 1: n is odd, so clearing its lowest bit subtracts one.
            let last := add(exponent, 0xff)
            mstore8(last, and(byte(0, mload(last)), 0xfe))
            calldatacopy(add(input, 0x161), modulus.offset, 0x100)
            // The 256-byte result overwrites the start of the input.
            let ok := staticcall(gas(), 0x05, input, 0x261, input, 0x100)
            if iszero(and(ok, eq(returndatasize(), 0x100))) { revert(0, 0) }
            // Not 1: one of the first seven words is nonzero, or the eighth is not 1.
            let high := 0
            for { let i := 0 } lt(i, 0xe0) { i := add(i, 0x20) } { high := or(high, mload(add(input, i))) }
            composite := or(iszero(iszero(high)), iszero(eq(mload(add(input, 0xe0)), 1)))
        }
    }

    /**
     * @dev Checks `proof` for `modulus`, which the caller has checked to be 256 bytes with its top bit set.
     * Returns `(true, 0)` for a valid proof, otherwise `(false, index)` with `index` the first σ_i that is
     * missing, not below n or not an e-th root of ρ_i (`ISSUER_KEY_PROOF_ROUNDS` for a proof that is too long).
     */
    function verify(bytes calldata modulus, bytes calldata proof) internal view returns (bool valid, uint256 index) {
        if (proof.length != PROOF_LENGTH) {
            return (false, proof.length < PROOF_LENGTH ? proof.length / Rsa2048.LENGTH : ISSUER_KEY_PROOF_ROUNDS);
        }
        bytes memory modulusCopy = modulus;
        uint256 n;
        uint256 sigma; // scratch space past the free memory pointer, reused by every round: nothing else is allocated
        assembly ("memory-safe") {
            n := add(modulusCopy, 0x20)
            sigma := mload(0x40)
        }
        uint256 rho = sigma + Rsa2048.LENGTH;
        uint256 power = rho + Rsa2048.LENGTH;
        uint256 seed = power + Rsa2048.LENGTH; // after pow65537's output: its scratch may overwrite the seed
        for (; index < ISSUER_KEY_PROOF_ROUNDS; ++index) {
            assembly ("memory-safe") {
                calldatacopy(sigma, add(proof.offset, mul(index, 0x100)), 0x100)
            }
            // pow65537 also requires σ_i < n: one encoding per root, as for tokens (PROTOCOL.md §3.2).
            if (!Rsa2048.pow65537(sigma, n, power) || !_challenge(n, index, seed, rho)) return (false, index);
            bool equal;
            assembly ("memory-safe") {
                equal := eq(keccak256(power, 0x100), keccak256(rho, 0x100))
            }
            if (!equal) return (false, index);
        }
        return (true, 0);
    }

    /**
     * @dev Writes challenge ρ_`index` (256 bytes, below 2^2047) for the modulus at memory offset `n` at offset
     * `out`, building the seed `abi.encode(KEY_PROOF_DOMAIN, modulus, index)` (384 bytes) in scratch space at
     * `seed`, which must leave the 32 bytes after it and `out` apart. `ok` is false if a precompile call fails.
     */
    function _challenge(uint256 n, uint256 index, uint256 seed, uint256 out) private view returns (bool ok) {
        bytes32 domain = KEY_PROOF_DOMAIN;
        assembly ("memory-safe") {
            mstore(seed, domain)
            mstore(add(seed, 0x20), 0x60) // offset of the bytes
            mstore(add(seed, 0x40), index)
            mstore(add(seed, 0x60), 0x100) // length of the bytes
            mcopy(add(seed, 0x80), n, 0x100)
        }
        ok = Rsa2048.mgf1Sha256(seed, 0x180, Rsa2048.LENGTH / 32, out);
        assembly ("memory-safe") {
            mstore(out, and(mload(out), not(shl(255, 1)))) // ρ_i < 2^2047 <= n
        }
    }
}
