// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.30;

import {Create2} from "@openzeppelin/contracts/utils/Create2.sol";

/**
 * @title IssuerKeyStore
 * @notice Keeps a ballot's 256-byte issuer modulus (PROTOCOL.md §2.5) as the code of a small data
 * contract, read back with EXTCODECOPY: every vote reads the key, and one EXTCODECOPY (2,600 gas
 * cold, 100 warm, plus copying) is far cheaper than 8 storage slots (16,800 cold); writing it is
 * cheaper too (about 85,000 gas against 177,000).
 *
 * The data contract's code is 0x00 (STOP, so that calling it does nothing) followed by the modulus.
 */
library IssuerKeyStore {
    /// @notice Length of an issuer modulus in bytes (RSA-2048).
    uint256 internal constant MODULUS_LENGTH = 256;

    /// @dev Init code returning the 257 bytes that follow it: PUSH2 0x0101, DUP1, PUSH1 0x0c, PUSH1 0,
    /// CODECOPY, PUSH1 0, RETURN.
    bytes12 private constant _INIT_CODE = 0x61010180600c6000396000f3;

    /// @dev Deploys the data contract for `modulus` (MODULUS_LENGTH bytes, checked by the caller) with
    /// CREATE2 and `salt`, and returns its address.
    function store(bytes32 salt, bytes calldata modulus) internal returns (address key) {
        return Create2.deploy(0, salt, abi.encodePacked(_INIT_CODE, hex"00", modulus));
    }

    /// @dev The modulus stored at `key`.
    function load(address key) internal view returns (bytes memory modulus) {
        modulus = new bytes(MODULUS_LENGTH);
        assembly ("memory-safe") {
            extcodecopy(key, add(modulus, 0x20), 1, MODULUS_LENGTH)
        }
    }
}
