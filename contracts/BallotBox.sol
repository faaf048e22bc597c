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
 * A sealed ballot (PROTOCOL.md §11.9) takes encrypted payloads instead: the contract is their bulletin
 * board. It checks the token, the signature and the revision as for any ballot, but of the payload only
 * its length and version byte; it keeps each voter's tracker instead of counts. The ballot's proofs and
 * its tally are checked and opened off chain, by the relay, the trustees and every observer: the EVM has
 * no secp256k1 arithmetic to do it here.
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
    /// @notice Most trustees of a sealed ballot (PROTOCOL.md §11.9).
    uint256 public constant MAX_TRUSTEES = 16;
    /// @notice Most cells of a sealed payload (PROTOCOL.md §11.9): N − 1 for SingleChoice, N for MultipleChoice,
    /// 5·N for MajorityJudgment.
    uint256 public constant MAX_SEALED_CELLS = 128;
    /// @notice First byte of a sealed payload (PROTOCOL.md §11.2).
    uint8 public constant SEALED_PAYLOAD_VERSION = 0x02;

    /// @dev A sealed payload's sizes (PROTOCOL.md §11.2): a cell is A ‖ B (2 points of 33 bytes) and its
    /// 0/1 proof c_0 ‖ c_1 ‖ v_0 ‖ v_1 (16-byte challenges, 32-byte responses); a sum proof has one
    /// challenge and one response per value.
    uint256 private constant _SEALED_CELL_BYTES = 162;
    uint256 private constant _SUM_VALUE_BYTES = 48;
    uint256 private constant _POINT_BYTES = 33;
    uint256 private constant _SCALAR_BYTES = 32;
    /// @dev `_trustees` values.
    uint256 private constant _TRUSTEE_NAMED = 1;
    uint256 private constant _TRUSTEE_SHARED = 2;

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
        bool isSealed; // created by createSealedBallot (31 bytes so far: still one slot)
    }

    /// @dev Three slots: the config, then what votes update, then what only closeBallot needs.
    struct Ballot {
        Config config;
        address issuerKey; // data contract holding the modulus
        uint64 votersCount;
        address organizer;
        uint64 tokensIssued;
    }

    /// @dev What only a sealed ballot has, besides its trustees.
    struct Sealing {
        uint8 threshold;
        uint8 trusteeCount;
        bool operatorShared; // the organizer posted its operator share (PROTOCOL.md §11.7)
    }

    uint256 private _ballotCount;
    mapping(uint256 ballotId => Ballot) private _ballots;
    /// @dev One slot per voter: bits 0-63 hold revision + 1 (0: has not voted), bits 64-255 the packed choice,
    /// or for a sealed ballot the tracker `uint192(uint256(keccak256(payload)))`.
    mapping(uint256 ballotId => mapping(address voter => uint256)) private _records;
    mapping(uint256 ballotId => BallotChoice.Tally) private _tallies;
    /// @dev A sealed ballot's trustees, keyed by the address as a uint256: 0 not one, _TRUSTEE_NAMED, then
    /// _TRUSTEE_SHARED once its share is posted. Addresses are read with calldataload and caller(), not as Solidity
    /// `address` values: each of those costs a 160-bit mask in the code, and past 46 masks solc's constant optimizer
    /// (runs = 10,000) computes every mask as (1 << 160) - 1 instead of PUSH20: 12 gas more each, about 156 gas more
    /// per v1 vote (measured). Keep the contract's address masks at most 46 (PUSH20 0xff..ff in the bytecode).
    mapping(uint256 ballotId => mapping(uint256 trustee => uint256)) private _trustees;
    /// @dev A sealed ballot's threshold and number of trustees, apart from `Ballot` so that createBallot writes
    /// exactly what it wrote before sealed ballots (writing them in the ballot's third slot cost it 4,000 gas).
    mapping(uint256 ballotId => Sealing) private _sealings;

    /// @param admin receives DEFAULT_ADMIN_ROLE (grants ORGANIZER_ROLE to others) and ORGANIZER_ROLE
    constructor(address admin) EIP712("urne", "1") {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(ORGANIZER_ROLE, admin);
    }

    /// @inheritdoc IBallotBox
    function createBallot(BallotParams calldata params) external onlyRole(ORGANIZER_ROLE) returns (uint256 ballotId) {
        _checkParams(params);
        ballotId = _store(params, false, 0, 0);
    }

    /// @inheritdoc IBallotBox
    function createSealedBallot(
        BallotParams calldata params,
        SealedParams calldata sealedParams
    ) external onlyRole(ORGANIZER_ROLE) returns (uint256 ballotId) {
        _checkParams(params);
        // The checks of PROTOCOL.md §6.1's sealed table, in order (the trustees' last: while they are stored).
        if (params.liveResults) revert BallotBoxSealedLiveResults();
        uint256 cells = _sealedCells(params.kind, params.options.length);
        if (cells > MAX_SEALED_CELLS) revert BallotBoxTooManySealedCells(cells, MAX_SEALED_CELLS);
        bytes calldata key = sealedParams.electionKey;
        bytes1 prefix = key.length == 0 ? bytes1(0) : key[0];
        if (key.length != _POINT_BYTES || (prefix != 0x02 && prefix != 0x03)) {
            revert BallotBoxInvalidElectionKey(key.length, prefix);
        }
        address[] calldata trustees = sealedParams.trustees;
        uint256 n = trustees.length;
        if (n == 0 || n > MAX_TRUSTEES) revert BallotBoxInvalidTrusteeCount(n, MAX_TRUSTEES);
        uint8 threshold = sealedParams.threshold;
        if (threshold == 0 || threshold > n) revert BallotBoxInvalidThreshold(threshold, n);
        ballotId = _store(params, true, threshold, uint8(n));
        mapping(uint256 trustee => uint256) storage named = _trustees[ballotId];
        for (uint256 i = 0; i < n; ++i) {
            uint256 trustee;
            assembly ("memory-safe") {
                trustee := calldataload(add(trustees.offset, shl(5, i)))
            }
            // Upper bits set: not an address (the ABI decoder of `trustees[i]` would revert on it too).
            if (trustee >> 160 != 0) revert();
            if (trustee == 0 || named[trustee] != 0) revert BallotBoxInvalidTrustee(i, address(uint160(trustee)));
            named[trustee] = _TRUSTEE_NAMED;
        }
        emit BallotSealed(ballotId, key, sealedParams.keyCeremonyDigest, trustees, threshold);
    }

    /// @dev Stores a ballot whose parameters passed {_checkParams} and emits BallotCreated.
    function _store(
        BallotParams calldata params,
        bool isSealed,
        uint8 threshold,
        uint8 trusteeCount
    ) private returns (uint256 ballotId) {
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
                liveResults: params.liveResults,
                isSealed: isSealed
            }),
            issuerKey: IssuerKeyStore.store(bytes32(ballotId), params.issuerModulus),
            votersCount: 0,
            organizer: msg.sender,
            tokensIssued: 0
        });
        if (isSealed) _sealings[ballotId] = Sealing(threshold, trusteeCount, false);
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
    function submitDecryptionShare(uint256 ballotId, bytes32 tallyDigest, bytes calldata share) external {
        Ballot storage b = _existing(ballotId);
        Config memory c = b.config;
        uint256 sender;
        assembly ("memory-safe") {
            sender := caller()
        }
        uint256 status = _trustees[ballotId][sender];
        // Not a trustee: the organizer's one operator share (the ceremony says whether it is needed), or no one.
        bool asOperator = status == 0 && c.isSealed && msg.sender == b.organizer;
        if (status == 0 && !asOperator) revert BallotBoxNotTrustee(ballotId, msg.sender);
        if (c.closedAt == 0 && block.timestamp < c.closesAt) revert BallotBoxNotClosed(ballotId, c.closesAt);
        Sealing storage sealing = _sealings[ballotId];
        if (asOperator ? sealing.operatorShared : status == _TRUSTEE_SHARED) {
            revert BallotBoxShareAlreadySubmitted(ballotId, msg.sender);
        }
        // D_1 ‖ … ‖ D_K ‖ c ‖ v (PROTOCOL.md §11.6). Its proof is not checked here: see the interface.
        uint256 expected = _sealedCells(c.kind, c.optionCount) * _POINT_BYTES + 2 * _SCALAR_BYTES;
        if (share.length != expected) revert BallotBoxInvalidShareLength(share.length, expected);
        if (asOperator) sealing.operatorShared = true;
        else _trustees[ballotId][sender] = _TRUSTEE_SHARED;
        emit DecryptionShareSubmitted(ballotId, msg.sender, tallyDigest, share);
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
        if (c.isSealed) revert BallotBoxSealed(ballotId);
        return BallotChoice.counts(_tallies[ballotId], c.kind, c.optionCount);
    }

    /// @inheritdoc IBallotBox
    function trackerOf(uint256 ballotId, address voter) external view returns (bytes24 tracker) {
        if (!_existing(ballotId).config.isSealed) revert BallotBoxNotSealed(ballotId);
        return bytes24(uint192(_records[ballotId][voter] >> 64));
    }

    /// @inheritdoc IBallotBox
    function sealing(uint256 ballotId) external view returns (bool isSealed, uint8 threshold, uint8 trusteeCount) {
        Sealing storage s = _sealings[ballotId];
        return (_existing(ballotId).config.isSealed, s.threshold, s.trusteeCount);
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
        return _voteDigest(ballotId, revision, keccak256(payload));
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
        // A sealed payload (PROTOCOL.md §11.2): its length and version byte only, its proofs are checked off chain.
        bytes32 payloadHash = keccak256(vote.payload); // the Vote's (step 6), and a sealed ballot's tracker
        if (c.isSealed) {
            reason = _checkSealedPayload(c, vote.payload);
            // The record keeps the tracker, truncated to 192 bits (PROTOCOL.md §11.9), and no count: with no
            // option in the config {_count} reads, BallotChoice.count has no lane to update (the only flag check
            // on the v1 path stays this one).
            choice = uint192(uint256(payloadHash));
            c.optionCount = 0;
        } else {
            (reason, choice) = BallotChoice.decode(c.kind, c.optionCount, c.minChoices, c.maxChoices, vote.payload);
        }
        if (reason.length != 0) return (reason, c, 0, 0);
        // 5. The token: the issuer signed this voter address for this ballot (PROTOCOL.md §3).
        if (!_isTokenValid(b.issuerKey, ballotId, voter, vote.tokenSignature)) {
            return (abi.encodeWithSelector(BallotBoxInvalidTokenSignature.selector, ballotId, voter), c, 0, 0);
        }
        // 6. The vote: the voter key signed exactly this payload and revision (PROTOCOL.md §4).
        (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(
            _voteDigest(ballotId, vote.revision, payloadHash),
            vote.voterSignature
        );
        if (err != ECDSA.RecoverError.NoError || recovered != voter) {
            return (abi.encodeWithSelector(BallotBoxInvalidVoterSignature.selector, voter, recovered), c, 0, 0);
        }
    }

    /// @dev PROTOCOL.md §11.2: `1 + 162·cells + 48·(values of the sum proofs)` bytes, the first one 0x02.
    function _checkSealedPayload(Config memory c, bytes calldata payload) private pure returns (bytes memory reason) {
        uint256 values; // a sum proof over one-hot cells proves {0, 1}; a single cell proves no sum
        if (c.kind == uint8(BallotKind.MultipleChoice)) values = uint256(c.maxChoices) - c.minChoices + 1;
        else if (c.kind == uint8(BallotKind.MajorityJudgment)) values = 2 * uint256(c.optionCount);
        else if (c.optionCount > 2) values = 2;
        uint256 length = 1 + _sealedCells(c.kind, c.optionCount) * _SEALED_CELL_BYTES + values * _SUM_VALUE_BYTES;
        if (payload.length != length) {
            return abi.encodeWithSelector(BallotBoxInvalidPayloadLength.selector, payload.length, length, length);
        }
        if (uint8(payload[0]) != SEALED_PAYLOAD_VERSION) {
            return abi.encodeWithSelector(BallotBoxInvalidPayloadByte.selector, 0, uint8(payload[0]));
        }
    }

    /// @dev Cells of a sealed payload (PROTOCOL.md §11.2): one per option of a multiple choice; a one-hot
    /// group's last value has none (options 0..N-2 of a single choice, grades 0..4 of each candidate).
    function _sealedCells(uint8 kind, uint256 optionCount) private pure returns (uint256) {
        if (kind == uint8(BallotKind.MajorityJudgment)) return optionCount * (MJ_GRADE_COUNT - 1);
        return kind == uint8(BallotKind.MultipleChoice) ? optionCount : optionCount - 1;
    }

    function _voteDigest(uint256 ballotId, uint32 revision, bytes32 payloadHash) private view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(VOTE_TYPEHASH, ballotId, revision, payloadHash)));
    }

    /// @dev Records a vote that passed {_check}, updates the counts (none for a sealed ballot: {_check} gives it
    /// `c.optionCount` 0), then emits VoteCast.
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
