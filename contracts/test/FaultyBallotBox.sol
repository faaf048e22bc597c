// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.30;

import {IBallotBox} from "../interfaces/IBallotBox.sol";
import {BallotChoice} from "../libraries/BallotChoice.sol";

/**
 * @title FaultyBallotBox
 * @notice TEST ONLY, never deployed by urne: a ballot box with BallotBox's events and views that
 * counts votes WITHOUT checking the schedule, the one-vote-per-address rule, the token or the voter
 * signature (PROTOCOL.md §6.2 checks 2, 3, 5 and 6). It checks only what counting needs: the ballot
 * exists and the payload decodes. test/observer/recount-faulty-box.test.ts casts bad ballots through it
 * and expects `urne recount` to reject each one by its §6.2 error name: an observer must not rely on
 * the contract it audits. scripts/export-abi.ts exports BallotBox only; the tests read this artifact
 * from build/artifacts.
 * WARNING: accepts forged votes by design.
 */
contract FaultyBallotBox {
    struct Ballot {
        uint8 kind;
        uint8 minChoices;
        uint8 maxChoices;
        uint8 optionCount;
        uint64 votersCount;
        uint64 closedAt;
    }

    uint256 private _ballotCount;
    mapping(uint256 ballotId => Ballot) private _ballots;
    mapping(uint256 ballotId => mapping(address voter => uint256)) private _records;
    mapping(uint256 ballotId => BallotChoice.Tally) private _tallies;

    /// @notice Creates a ballot without checking its parameters.
    function createBallot(IBallotBox.BallotParams calldata params) external returns (uint256 ballotId) {
        ballotId = ++_ballotCount;
        _ballots[ballotId] = Ballot(params.kind, params.minChoices, params.maxChoices, uint8(params.options.length), 0, 0);
        emit IBallotBox.BallotCreated(ballotId, msg.sender, params);
    }

    /// @notice Counts every vote whose payload decodes, as a revote when the address has a record.
    function castVotes(IBallotBox.SignedVote[] calldata votes) external returns (uint256 accepted) {
        for (uint256 i = 0; i < votes.length; ++i) {
            IBallotBox.SignedVote calldata vote = votes[i];
            Ballot storage b = _ballots[vote.ballotId];
            if (b.optionCount == 0) revert IBallotBox.BallotBoxUnknownBallot(vote.ballotId);
            (bytes memory reason, uint256 choice) = BallotChoice.decode(b.kind, b.optionCount, b.minChoices, b.maxChoices, vote.payload);
            if (reason.length != 0) {
                emit IBallotBox.VoteRejected(vote.ballotId, vote.voter, vote.revision, reason);
                continue;
            }
            uint256 record = _records[vote.ballotId][vote.voter];
            _records[vote.ballotId][vote.voter] = (uint256(vote.revision) + 1) | (choice << 64);
            if (record == 0) b.votersCount += 1;
            BallotChoice.count(_tallies[vote.ballotId], b.kind, b.optionCount, choice, record != 0, record >> 64);
            emit IBallotBox.VoteCast(vote.ballotId, vote.voter, vote.revision, vote.payload, vote.tokenSignature, vote.voterSignature);
            ++accepted;
        }
    }

    /// @notice Closes a ballot, recording `tokensIssued` as given.
    function closeBallot(uint256 ballotId, uint64 tokensIssued) external {
        Ballot storage b = _ballots[ballotId];
        b.closedAt = uint64(block.timestamp);
        emit IBallotBox.BallotClosed(ballotId, uint64(block.timestamp), tokensIssued, b.votersCount);
    }

    /// @notice Same as BallotBox.tally (PROTOCOL.md §6.3).
    function tally(uint256 ballotId) external view returns (uint256[] memory counts) {
        Ballot storage b = _ballots[ballotId];
        if (b.optionCount == 0) revert IBallotBox.BallotBoxUnknownBallot(ballotId);
        return BallotChoice.counts(_tallies[ballotId], b.kind, b.optionCount);
    }

    /// @notice Same as BallotBox.votersCount (PROTOCOL.md §6.3).
    function votersCount(uint256 ballotId) external view returns (uint256 count) {
        Ballot storage b = _ballots[ballotId];
        if (b.optionCount == 0) revert IBallotBox.BallotBoxUnknownBallot(ballotId);
        return b.votersCount;
    }
}
