// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.30;

import {IBallotBox} from "../interfaces/IBallotBox.sol";

/**
 * @title BallotChoice
 * @notice Payload validation (PROTOCOL.md §5) and packed counts for BallotBox.
 *
 * A choice is packed into at most 192 bits so that it fits in the voter's record beside the revision,
 * and a revote can subtract exactly what the earlier revision added:
 * - SingleChoice and MultipleChoice: a bitmap, bit `option` set for each chosen option (N <= 64);
 * - MajorityJudgment: 3 bits per candidate, `grade << (3 * candidate)` (N <= 64, grades < 8).
 *
 * Counts are uint32 lanes, 8 per storage slot: lane `option`, or `candidate * MJ_GRADE_COUNT + grade`
 * for MajorityJudgment. A lane counts at most one vote per voter address, and each address costs its
 * submitter a fresh storage slot (over 20,000 gas), so 2^32 votes in one lane are out of reach.
 */
library BallotChoice {
    /// @notice Grades of the majority-judgment scale (PROTOCOL.md §2.3), 0 (worst) to 5 (best).
    uint256 internal constant MJ_GRADE_COUNT = 6;
    /// @notice Maximum number of options or candidates in a ballot (PROTOCOL.md §2.2).
    uint256 internal constant MAX_OPTIONS = 64;
    /// @notice Storage slots holding one ballot's counts: MAX_OPTIONS * MJ_GRADE_COUNT lanes, 8 per slot.
    uint256 internal constant TALLY_SLOTS = 48;

    /// @dev One ballot's counts.
    struct Tally {
        uint256[TALLY_SLOTS] slots;
    }

    uint256 private constant _LANE_BITS = 32;
    uint256 private constant _LANE_MASK = 0xffffffff;
    uint256 private constant _LANE_ONES = 0x0000000100000001000000010000000100000001000000010000000100000001;
    uint256 private constant _SPREAD = 0x0000000002000000040000000800000010000000200000004000000080000001;

    /**
     * @dev Validates `payload` for a ballot (PROTOCOL.md §5) and packs it. Returns the ABI-encoded
     * custom error BallotBox reverts with (empty when valid) instead of reverting, so that castVote
     * and castVotes reject identically.
     */
    function decode(
        uint8 kind,
        uint256 optionCount,
        uint256 minChoices,
        uint256 maxChoices,
        bytes calldata payload
    ) internal pure returns (bytes memory reason, uint256 choice) {
        uint256 length = payload.length;
        if (kind == uint8(IBallotBox.BallotKind.SingleChoice)) {
            if (length != 1) return (_badLength(length, 1, 1), 0);
            uint8 option = uint8(payload[0]);
            if (option >= optionCount) return (_badByte(0, option), 0);
            return ("", 1 << option);
        }
        if (kind == uint8(IBallotBox.BallotKind.MultipleChoice)) {
            if (length < minChoices || length > maxChoices) return (_badLength(length, minChoices, maxChoices), 0);
            // Strictly increasing indices: one canonical payload per set of options.
            uint256 next = 0; // smallest value allowed at this index
            unchecked {
                for (uint256 i = 0; i < length; ++i) {
                    uint8 option = uint8(payload[i]);
                    if (option < next || option >= optionCount) return (_badByte(i, option), 0);
                    choice |= 1 << option;
                    next = uint256(option) + 1;
                }
            }
            return ("", choice);
        }
        // MajorityJudgment: one grade per candidate, in candidate order.
        if (length != optionCount) return (_badLength(length, optionCount, optionCount), 0);
        unchecked {
            for (uint256 i = 0; i < length; ++i) {
                uint8 grade = uint8(payload[i]);
                if (grade >= MJ_GRADE_COUNT) return (_badByte(i, grade), 0);
                choice |= uint256(grade) << (3 * i);
            }
        }
        return ("", choice);
    }

    /**
     * @dev Adds `newChoice` to the counts and, on a revote (`replaces`), subtracts `oldChoice`.
     * Each touched slot is read and written once; a revote with the same choice writes nothing.
     * Lane-wise, what is subtracted never exceeds the stored count (the old choice was counted) and no
     * lane reaches 2^32, so the packed `slot + a - b` never carries or borrows across lanes.
     */
    function count(
        Tally storage tally,
        uint8 kind,
        uint256 optionCount,
        uint256 newChoice,
        bool replaces,
        uint256 oldChoice
    ) internal {
        if (kind != uint8(IBallotBox.BallotKind.MajorityJudgment)) {
            // Bitmap kinds: byte s of the bitmap holds the lanes of slot s.
            if (!replaces) oldChoice = 0; // no lane to subtract
            unchecked {
                for (uint256 s = 0; s << 3 < optionCount; ++s) {
                    uint256 a = _spread((newChoice >> (s << 3)) & 0xff);
                    uint256 b = _spread((oldChoice >> (s << 3)) & 0xff);
                    if (a != b) tally.slots[s] = tally.slots[s] + a - b;
                }
            }
            return;
        }
        // MajorityJudgment: slot s holds lanes 8s..8s+7, which belong to candidates (8s)/6 to (8s+7)/6.
        unchecked {
            uint256 slots = (optionCount * MJ_GRADE_COUNT + 7) >> 3;
            for (uint256 s = 0; s < slots; ++s) {
                uint256 last = ((s << 3) + 7) / MJ_GRADE_COUNT;
                if (last >= optionCount) last = optionCount - 1;
                uint256 a = 0;
                uint256 b = 0;
                for (uint256 c = (s << 3) / MJ_GRADE_COUNT; c <= last; ++c) {
                    uint256 lane = c * MJ_GRADE_COUNT + ((newChoice >> (3 * c)) & 7);
                    if (lane >> 3 == s) a |= 1 << ((lane & 7) * _LANE_BITS);
                    if (replaces) {
                        lane = c * MJ_GRADE_COUNT + ((oldChoice >> (3 * c)) & 7);
                        if (lane >> 3 == s) b |= 1 << ((lane & 7) * _LANE_BITS);
                    }
                }
                if (a != b) tally.slots[s] = tally.slots[s] + a - b;
            }
        }
    }

    /**
     * @dev Unpacks the counts (PROTOCOL.md §6.3): N entries, or N * MJ_GRADE_COUNT for MajorityJudgment.
     */
    function counts(
        Tally storage tally,
        uint8 kind,
        uint256 optionCount
    ) internal view returns (uint256[] memory result) {
        result = new uint256[](_laneCount(kind, optionCount));
        uint256 word;
        for (uint256 lane = 0; lane < result.length; ++lane) {
            if (lane & 7 == 0) word = tally.slots[lane >> 3];
            result[lane] = (word >> ((lane & 7) * _LANE_BITS)) & _LANE_MASK;
        }
    }

    /// @dev Number of count lanes of a ballot.
    function _laneCount(uint8 kind, uint256 optionCount) private pure returns (uint256) {
        return kind == uint8(IBallotBox.BallotKind.MajorityJudgment) ? optionCount * MJ_GRADE_COUNT : optionCount;
    }

    /// @dev Spreads 8 bits into 8 lanes: bit j becomes 1 << (32 * j). Multiplying by sum(2^(31 j)) puts
    /// bit i at i + 31 j, all distinct positions (no carry), of which only i = j is a multiple of 32.
    function _spread(uint256 bits) private pure returns (uint256) {
        unchecked {
            return (bits * _SPREAD) & _LANE_ONES;
        }
    }

    function _badLength(uint256 length, uint256 minLength, uint256 maxLength) private pure returns (bytes memory) {
        return abi.encodeWithSelector(IBallotBox.BallotBoxInvalidPayloadLength.selector, length, minLength, maxLength);
    }

    function _badByte(uint256 index, uint8 value) private pure returns (bytes memory) {
        return abi.encodeWithSelector(IBallotBox.BallotBoxInvalidPayloadByte.selector, index, value);
    }
}
