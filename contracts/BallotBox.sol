// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {IBallotBox} from "./interfaces/IBallotBox.sol";
import {BallotChoice} from "./libraries/BallotChoice.sol";
import {IssuerKeyProof} from "./libraries/IssuerKeyProof.sol";
import {IssuerKeyStore} from "./libraries/IssuerKeyStore.sol";
import {RsaPssSha256} from "./libraries/RsaPssSha256.sol";

/**
 * @title BallotBox
 * @notice Ballots with one-time blind-signed voting tokens and on-chain counts (docs/PROTOCOL.md §2-§6).
 * A voter address votes once per ballot, with a token (the issuer's RSA-PSS signature of the address)
 * and an EIP-712 signature of its vote; revoting, when the ballot allows it, replaces the earlier vote.
 */
contract BallotBox is IBallotBox, AccessControl, EIP712 {
    /// @notice Role allowed to create ballots.
    bytes32 public constant ORGANIZER_ROLE = keccak256("ORGANIZER_ROLE");
    /// @notice Domain tag, first field of the token message (PROTOCOL.md §3.1).
    bytes32 public constant TOKEN_DOMAIN = keccak256("urne.token.v1");
    /// @notice EIP-712 type hash of the vote the voter signs (PROTOCOL.md §4).
    bytes32 public constant VOTE_TYPEHASH = keccak256("Vote(uint256 ballotId,uint32 revision,bytes payload)");
    /// @notice Maximum number of options or candidates (PROTOCOL.md §2.2).
    uint256 public constant MAX_OPTIONS = BallotChoice.MAX_OPTIONS;
    /// @notice Number of grades of the majority-judgment scale (PROTOCOL.md §2.3).
    uint256 public constant MJ_GRADE_COUNT = BallotChoice.MJ_GRADE_COUNT;
    /// @notice Domain tag of the issuer key proof's challenges (PROTOCOL.md §2.5).
    bytes32 public constant KEY_PROOF_DOMAIN = IssuerKeyProof.KEY_PROOF_DOMAIN;
    /// @notice Number of e-th roots in an issuer key proof (PROTOCOL.md §2.5).
    uint256 public constant ISSUER_KEY_PROOF_ROUNDS = IssuerKeyProof.ISSUER_KEY_PROOF_ROUNDS;

    /// @dev What a vote is checked against, in one slot so that a vote reads it once.
    struct Config {
        uint64 opensAt;
        uint64 closesAt; // never 0 for a ballot that exists (closesAt > opensAt)
        uint64 closedAt; // 0 until closeBallot
        uint8 kind;
        uint8 minChoices;
        uint8 maxChoices;
        uint8 optionCount;
        bool allowRevote;
        bool liveResults;
    }

    /// @dev Three slots: the config, then what votes update, then what only closeBallot needs.
    struct Ballot {
        Config config;
        address issuerKey; // data contract holding the modulus
        uint64 votersCount;
        address organizer;
        uint64 tokensIssued;
    }

    uint256 private _ballotCount;
    mapping(uint256 ballotId => Ballot) private _ballots;
    /// @dev One slot per voter: bits 0-63 hold revision + 1 (0: has not voted), bits 64-255 the packed choice.
    mapping(uint256 ballotId => mapping(address voter => uint256)) private _records;
    mapping(uint256 ballotId => BallotChoice.Tally) private _tallies;

    /// @param admin receives DEFAULT_ADMIN_ROLE (grants ORGANIZER_ROLE to others) and ORGANIZER_ROLE
    constructor(address admin) EIP712("urne", "1") {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(ORGANIZER_ROLE, admin);
    }

    /// @inheritdoc IBallotBox
    function createBallot(BallotParams calldata params) external onlyRole(ORGANIZER_ROLE) returns (uint256 ballotId) {
        _checkParams(params);
        ballotId = ++_ballotCount;
        _ballots[ballotId] = Ballot({
            config: Config({
                opensAt: params.opensAt,
                closesAt: params.closesAt,
                closedAt: 0,
                kind: params.kind,
                minChoices: params.minChoices,
                maxChoices: params.maxChoices,
                optionCount: uint8(params.options.length),
                allowRevote: params.allowRevote,
                liveResults: params.liveResults
            }),
            issuerKey: IssuerKeyStore.store(bytes32(ballotId), params.issuerModulus),
            votersCount: 0,
            organizer: msg.sender,
            tokensIssued: 0
        });
        emit BallotCreated(ballotId, msg.sender, params);
    }

    /// @inheritdoc IBallotBox
    function castVote(SignedVote calldata vote) external {
        (bytes memory reason, Config memory c, uint256 record, uint256 choice) = _check(vote);
        if (reason.length != 0) {
            assembly ("memory-safe") {
                revert(add(reason, 0x20), mload(reason))
            }
        }
        _count(vote, c, record, choice);
    }

    /// @inheritdoc IBallotBox
    function castVotes(SignedVote[] calldata votes) external returns (uint256 accepted) {
        if (votes.length == 0) revert BallotBoxEmptyBatch();
        for (uint256 i = 0; i < votes.length; ++i) {
            // Nothing allocated for one vote outlives it: reusing its memory keeps the cost per vote
            // flat instead of paying quadratic memory expansion over the batch.
            uint256 freeMemory;
            assembly {
                freeMemory := mload(0x40)
            }
            SignedVote calldata vote = votes[i];
            (bytes memory reason, Config memory c, uint256 record, uint256 choice) = _check(vote);
            if (reason.length == 0) {
                _count(vote, c, record, choice);
                ++accepted;
            } else {
                emit VoteRejected(vote.ballotId, vote.voter, vote.revision, reason);
            }
            assembly {
                mstore(0x40, freeMemory)
            }
        }
    }

    /// @inheritdoc IBallotBox
    function closeBallot(uint256 ballotId, uint64 tokensIssued) external {
        Ballot storage b = _existing(ballotId);
        if (b.organizer != msg.sender) revert BallotBoxNotOrganizer(ballotId, msg.sender);
        if (b.config.closedAt != 0) revert BallotBoxAlreadyClosed(ballotId, b.config.closedAt);
        (b.config.closedAt, b.tokensIssued) = (uint64(block.timestamp), tokensIssued);
        emit BallotClosed(ballotId, uint64(block.timestamp), tokensIssued, b.votersCount);
    }

    /// @inheritdoc IBallotBox
    function ballot(uint256 ballotId) external view returns (BallotInfo memory info) {
        Ballot storage b = _existing(ballotId);
        Config memory c = b.config;
        info = BallotInfo({
            kind: c.kind,
            minChoices: c.minChoices,
            maxChoices: c.maxChoices,
            optionCount: c.optionCount,
            opensAt: c.opensAt,
            closesAt: c.closesAt,
            allowRevote: c.allowRevote,
            liveResults: c.liveResults,
            organizer: b.organizer,
            closedAt: c.closedAt,
            tokensIssued: b.tokensIssued,
            votersCount: b.votersCount,
            issuerModulus: IssuerKeyStore.load(b.issuerKey)
        });
    }

    /// @inheritdoc IBallotBox
    function tally(uint256 ballotId) external view returns (uint256[] memory counts) {
        Config storage c = _existing(ballotId).config;
        return BallotChoice.counts(_tallies[ballotId], c.kind, c.optionCount);
    }

    /// @inheritdoc IBallotBox
    function votersCount(uint256 ballotId) external view returns (uint256 count) {
        return _existing(ballotId).votersCount;
    }

    /// @inheritdoc IBallotBox
    function voteOf(uint256 ballotId, address voter) external view returns (bool voted, uint32 revision) {
        _existing(ballotId);
        uint256 record = _records[ballotId][voter];
        if (record != 0) (voted, revision) = (true, uint32(uint64(record) - 1));
    }

    /// @inheritdoc IBallotBox
    function ballotCount() external view returns (uint256 count) {
        return _ballotCount;
    }

    /// @inheritdoc IBallotBox
    function tokenMessage(uint256 ballotId, address voter) public view returns (bytes memory message) {
        // PROTOCOL.md §3.1: binds the voter address to one ballot of one contract on one chain.
        return abi.encode(TOKEN_DOMAIN, block.chainid, address(this), ballotId, voter);
    }

    /// @inheritdoc IBallotBox
    function isTokenValid(
        uint256 ballotId,
        address voter,
        bytes calldata tokenSignature
    ) external view returns (bool valid) {
        Ballot storage b = _ballots[ballotId];
        if (b.config.closesAt == 0) return false;
        return _isTokenValid(b.issuerKey, ballotId, voter, tokenSignature);
    }

    /// @inheritdoc IBallotBox
    function voteDigest(
        uint256 ballotId,
        uint32 revision,
        bytes calldata payload
    ) public view returns (bytes32 digest) {
        return _hashTypedDataV4(keccak256(abi.encode(VOTE_TYPEHASH, ballotId, revision, keccak256(payload))));
    }

    /**
     * @dev The checks of PROTOCOL.md §6.2, in order. Returns the ABI-encoded custom error of the first
     * failed check (empty if none) instead of reverting, so that castVote and castVotes reject identically;
     * also returns what counting the vote needs. Reads state only.
     */
    function _check(
        SignedVote calldata vote
    ) private view returns (bytes memory reason, Config memory c, uint256 record, uint256 choice) {
        uint256 ballotId = vote.ballotId;
        address voter = vote.voter;
        Ballot storage b = _ballots[ballotId];
        c = b.config;
        // 1. The ballot exists.
        if (c.closesAt == 0) return (abi.encodeWithSelector(BallotBoxUnknownBallot.selector, ballotId), c, 0, 0);
        // 2. It is open (PROTOCOL.md §2.4): not closed early nor by time, and already opened.
        if (c.closedAt != 0 || block.timestamp >= c.closesAt) {
            return (abi.encodeWithSelector(BallotBoxClosed.selector, ballotId, c.closesAt, c.closedAt), c, 0, 0);
        }
        if (block.timestamp < c.opensAt) {
            return (abi.encodeWithSelector(BallotBoxNotOpenYet.selector, ballotId, c.opensAt), c, 0, 0);
        }
        // 3. The address has not voted, or revotes with a higher revision: a token is spent once.
        record = _records[ballotId][voter];
        if (record != 0) {
            if (!c.allowRevote) {
                return (abi.encodeWithSelector(BallotBoxAlreadyVoted.selector, ballotId, voter), c, 0, 0);
            }
            uint32 recorded = uint32(uint64(record) - 1);
            if (vote.revision <= recorded) {
                bytes memory stale = abi.encodeWithSelector(
                    BallotBoxStaleRevision.selector,
                    ballotId,
                    voter,
                    vote.revision,
                    recorded
                );
                return (stale, c, 0, 0);
            }
        }
        // 4. The payload is canonical for the ballot kind (PROTOCOL.md §5). Cheap checks before the signatures.
        (reason, choice) = BallotChoice.decode(c.kind, c.optionCount, c.minChoices, c.maxChoices, vote.payload);
        if (reason.length != 0) return (reason, c, 0, 0);
        // 5. The token: the issuer signed this voter address for this ballot (PROTOCOL.md §3).
        if (!_isTokenValid(b.issuerKey, ballotId, voter, vote.tokenSignature)) {
            return (abi.encodeWithSelector(BallotBoxInvalidTokenSignature.selector, ballotId, voter), c, 0, 0);
        }
        // 6. The vote: the voter key signed exactly this payload and revision (PROTOCOL.md §4).
        (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(
            voteDigest(ballotId, vote.revision, vote.payload),
            vote.voterSignature
        );
        if (err != ECDSA.RecoverError.NoError || recovered != voter) {
            return (abi.encodeWithSelector(BallotBoxInvalidVoterSignature.selector, voter, recovered), c, 0, 0);
        }
    }

    /// @dev Records a vote that passed {_check}, updates the counts, then emits VoteCast.
    function _count(SignedVote calldata vote, Config memory c, uint256 record, uint256 choice) private {
        uint256 ballotId = vote.ballotId;
        _records[ballotId][vote.voter] = (uint256(vote.revision) + 1) | (choice << 64);
        if (record == 0) _ballots[ballotId].votersCount += 1;
        // A revote replaces the earlier choice: subtract exactly what it added.
        BallotChoice.count(_tallies[ballotId], c.kind, c.optionCount, choice, record != 0, record >> 64);
        emit VoteCast(ballotId, vote.voter, vote.revision, vote.payload, vote.tokenSignature, vote.voterSignature);
    }

    function _isTokenValid(
        address issuerKey,
        uint256 ballotId,
        address voter,
        bytes calldata tokenSignature
    ) private view returns (bool) {
        return
            RsaPssSha256.verifyDigest(
                sha256(tokenMessage(ballotId, voter)),
                tokenSignature,
                IssuerKeyStore.load(issuerKey)
            );
    }

    function _existing(uint256 ballotId) private view returns (Ballot storage b) {
        b = _ballots[ballotId];
        if (b.config.closesAt == 0) revert BallotBoxUnknownBallot(ballotId);
    }

    /// @dev Rejects parameters that PROTOCOL.md §2 does not allow, in the order of the struct's fields.
    function _checkParams(BallotParams calldata params) private view {
        if (params.kind > uint8(type(BallotKind).max)) revert BallotBoxInvalidKind(params.kind);
        uint256 n = params.options.length;
        if (n < 2 || n > MAX_OPTIONS) revert BallotBoxInvalidOptionCount(n, MAX_OPTIONS);
        (uint8 minChoices, uint8 maxChoices) = (params.minChoices, params.maxChoices);
        bool bounded = params.kind == uint8(BallotKind.MultipleChoice); // the other kinds have no bounds: 0, 0
        if (bounded ? (minChoices == 0 || minChoices > maxChoices || maxChoices > n) : (minChoices | maxChoices) != 0) {
            revert BallotBoxInvalidChoiceBounds(minChoices, maxChoices, n);
        }
        if (params.closesAt <= params.opensAt) revert BallotBoxInvalidSchedule(params.opensAt, params.closesAt);
        // The modulus has the shape of §2.5, is not prime (a Fermat witness: anyone could sign under a prime modulus)
        // and keeps blind issuance blind: gcd(e, φ(n)) = 1.
        IssuerKeyProof.checkKey(params.issuerModulus, params.issuerKeyProof);
        if (bytes(params.question).length == 0) revert BallotBoxEmptyQuestion();
        for (uint256 i = 0; i < n; ++i) {
            if (bytes(params.options[i]).length == 0) revert BallotBoxEmptyOption(i);
        }
    }
}
