// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.30;

/**
 * @title IBallotBox
 * @notice The urne ballot box: ballots, one-time voting tokens (blind RSA-PSS), EIP-712 votes,
 * on-chain counts. Every format is specified in docs/PROTOCOL.md §2-§6; this interface
 * declares the structs, errors and events once (the contract and the TypeScript side share it).
 */
interface IBallotBox {
    /// @dev Ballot kinds (PROTOCOL.md §2.2). `BallotParams.kind` carries the value as a uint8 so that
    /// an unknown value fails with {BallotBoxInvalidKind} instead of an ABI decoding error.
    enum BallotKind {
        SingleChoice,
        MultipleChoice,
        MajorityJudgment
    }

    /// @dev Everything an organizer decides about a ballot (PROTOCOL.md §2); emitted in full by {BallotCreated}.
    /// `issuerKeyProof` proves that the issuer key keeps blind issuance blind (PROTOCOL.md §2.5); it is not stored.
    /// `liveResults` tells the service and the widget whether to show counts before the close; the chain
    /// does not hide them (v1 payloads are public), so {tally} is always readable.
    struct BallotParams {
        uint8 kind;
        uint8 minChoices;
        uint8 maxChoices;
        uint64 opensAt;
        uint64 closesAt;
        bool allowRevote;
        bool liveResults;
        bytes issuerModulus;
        bytes issuerKeyProof;
        string question;
        string[] options;
    }

    /// @dev A vote as the voter signed it (PROTOCOL.md §3-§5); anybody may submit it.
    struct SignedVote {
        uint256 ballotId;
        address voter;
        uint32 revision;
        bytes payload;
        bytes tokenSignature;
        bytes voterSignature;
    }

    /// @dev What the contract stores about a ballot, returned by {ballot}. The question and option
    /// labels are not stored: {BallotCreated} carries them.
    struct BallotInfo {
        uint8 kind;
        uint8 minChoices;
        uint8 maxChoices;
        uint8 optionCount;
        uint64 opensAt;
        uint64 closesAt;
        bool allowRevote;
        bool liveResults;
        address organizer;
        uint64 closedAt;
        uint64 tokensIssued;
        uint64 votersCount;
        bytes issuerModulus;
    }

    // ----- createBallot -----

    /// @dev `kind` is not a {BallotKind} value.
    error BallotBoxInvalidKind(uint8 kind);
    /// @dev The number of options is outside `2..MAX_OPTIONS`.
    error BallotBoxInvalidOptionCount(uint256 count, uint256 maxCount);
    /// @dev MultipleChoice needs `1 <= minChoices <= maxChoices <= optionCount`; the other kinds need both at 0.
    error BallotBoxInvalidChoiceBounds(uint8 minChoices, uint8 maxChoices, uint256 optionCount);
    /// @dev The ballot would never be open: `closesAt <= opensAt`.
    error BallotBoxInvalidSchedule(uint64 opensAt, uint64 closesAt);
    /// @dev The issuer modulus is not 256 bytes with its top bit set and odd (PROTOCOL.md §2.5).
    error BallotBoxInvalidIssuerKey(uint256 length, bytes1 firstByte, bytes1 lastByte);
    /// @dev The issuer modulus n is a Fermat probable prime to `base` (always 2): `base^(n-1) mod n == 1`, so `base`
    /// does not prove it composite (PROTOCOL.md §2.5). Every prime n gives 1, and under a prime modulus anyone computes
    /// the private exponent from φ(n) = n - 1 and signs tokens; a product of two large primes essentially never does.
    error BallotBoxIssuerModulusProbablePrime(uint256 base);
    /// @dev The issuer key proof (PROTOCOL.md §2.5) fails at its 256-byte root `index`: missing, not below the
    /// modulus, or not the e-th root of challenge `index` (`index` = ISSUER_KEY_PROOF_ROUNDS: the proof is too long).
    error BallotBoxInvalidIssuerKeyProof(uint256 index);
    /// @dev The question is the empty string.
    error BallotBoxEmptyQuestion();
    /// @dev The label of option `index` is the empty string.
    error BallotBoxEmptyOption(uint256 index);

    // ----- castVote / castVotes (PROTOCOL.md §6.2, in check order) -----

    /// @dev No ballot has this id.
    error BallotBoxUnknownBallot(uint256 ballotId);
    /// @dev The ballot is closed: by time (`block.timestamp >= closesAt`) or early (`closedAt != 0`).
    error BallotBoxClosed(uint256 ballotId, uint64 closesAt, uint64 closedAt);
    /// @dev The ballot opens at `opensAt`, later than the current block.
    error BallotBoxNotOpenYet(uint256 ballotId, uint64 opensAt);
    /// @dev `voter` has voted and the ballot does not allow revoting.
    error BallotBoxAlreadyVoted(uint256 ballotId, address voter);
    /// @dev A revote must carry a revision higher than the recorded one.
    error BallotBoxStaleRevision(uint256 ballotId, address voter, uint32 revision, uint32 recordedRevision);
    /// @dev The payload length is outside `minLength..maxLength` for the ballot kind (PROTOCOL.md §5).
    error BallotBoxInvalidPayloadLength(uint256 length, uint256 minLength, uint256 maxLength);
    /// @dev Payload byte `index` is out of range, or (MultipleChoice) not above the previous one.
    error BallotBoxInvalidPayloadByte(uint256 index, uint8 value);
    /// @dev The token is not the issuer's RSA-PSS signature of `tokenMessage(ballotId, voter)` (PROTOCOL.md §3).
    error BallotBoxInvalidTokenSignature(uint256 ballotId, address voter);
    /// @dev The Vote signature recovers `recovered` (zero if malformed), not `voter` (PROTOCOL.md §4).
    error BallotBoxInvalidVoterSignature(address voter, address recovered);
    /// @dev {castVotes} was called with no vote.
    error BallotBoxEmptyBatch();

    // ----- closeBallot -----

    /// @dev Only the ballot's organizer may close it.
    error BallotBoxNotOrganizer(uint256 ballotId, address account);
    /// @dev The ballot was already closed at `closedAt`.
    error BallotBoxAlreadyClosed(uint256 ballotId, uint64 closedAt);

    // ----- events (PROTOCOL.md §6.5) -----

    /// @dev A ballot was created; `params` holds everything an observer needs.
    event BallotCreated(uint256 indexed ballotId, address indexed organizer, BallotParams params);
    /// @dev A vote was counted, replacing the voter's earlier revision if any; these fields suffice to re-verify it.
    event VoteCast(
        uint256 indexed ballotId,
        address indexed voter,
        uint32 revision,
        bytes payload,
        bytes tokenSignature,
        bytes voterSignature
    );
    /// @dev {castVotes} skipped a vote; `reason` is the ABI-encoded error {castVote} would have reverted with.
    event VoteRejected(uint256 indexed ballotId, address indexed voter, uint32 revision, bytes reason);
    /// @dev The organizer closed the ballot and recorded how many tokens the issuer signed.
    event BallotClosed(uint256 indexed ballotId, uint64 closedAt, uint64 tokensIssued, uint256 votersCount);

    // ----- functions -----

    /**
     * @notice Creates a ballot; the caller (ORGANIZER_ROLE) becomes its organizer (PROTOCOL.md §6.1).
     * @param params the ballot's parameters, emitted in full by {BallotCreated}
     * @return ballotId the new ballot's id, sequential from 1
     */
    function createBallot(BallotParams calldata params) external returns (uint256 ballotId);

    /**
     * @notice Counts one vote, or reverts with the first failed check of PROTOCOL.md §6.2.
     * @param vote the signed vote; the signatures, not the sender, authorize it
     */
    function castVote(SignedVote calldata vote) external;

    /**
     * @notice Counts every valid vote of `votes`; emits {VoteRejected} for each invalid one and goes on.
     * A submitter cannot get a valid vote rejected by starving it of gas: a precompile call that runs out
     * of gas leaves the caller 1/64 of it (EIP-150), far too little to emit VoteRejected, so the whole
     * transaction fails instead.
     * @param votes the signed votes, processed in order (a later vote of the same voter sees the earlier one)
     * @return accepted how many votes were counted
     */
    function castVotes(SignedVote[] calldata votes) external returns (uint256 accepted);

    /**
     * @notice Closes a ballot for votes and records how many tokens the issuer signed (PROTOCOL.md §6.4).
     * The contract records `tokensIssued` as given, even below `votersCount`: observers flag that case.
     * @param ballotId the ballot, which the caller organizes
     * @param tokensIssued number of tokens the issuer signed, so that anyone can check `votersCount <= tokensIssued`
     */
    function closeBallot(uint256 ballotId, uint64 tokensIssued) external;

    /**
     * @notice The stored state of a ballot; reverts with {BallotBoxUnknownBallot} if it does not exist.
     * @param ballotId the ballot
     * @return info schedule, kind, bounds, flags, organizer, closing record, counts and issuer modulus
     */
    function ballot(uint256 ballotId) external view returns (BallotInfo memory info);

    /**
     * @notice Current counts (PROTOCOL.md §6.3): votes per option, or for MajorityJudgment
     * `counts[candidate * MJ_GRADE_COUNT + grade]`.
     * @param ballotId the ballot
     * @return counts one entry per option, or per (candidate, grade)
     */
    function tally(uint256 ballotId) external view returns (uint256[] memory counts);

    /**
     * @notice Number of distinct voter addresses counted in a ballot.
     * @param ballotId the ballot
     * @return count distinct voters
     */
    function votersCount(uint256 ballotId) external view returns (uint256 count);

    /**
     * @notice Whether `voter` has a counted vote in a ballot, and its revision.
     * @param ballotId the ballot
     * @param voter the voter address
     * @return voted true if a vote of `voter` is counted
     * @return revision the counted revision (0 when `voted` is false)
     */
    function voteOf(uint256 ballotId, address voter) external view returns (bool voted, uint32 revision);

    /**
     * @notice Number of ballots created; ids run from 1 to this number.
     * @return count ballots created
     */
    function ballotCount() external view returns (uint256 count);

    /**
     * @notice The message the issuer blind-signs for `voter` (PROTOCOL.md §3.1), on this chain and contract.
     * @param ballotId the ballot
     * @param voter the voter address
     * @return message `abi.encode(TOKEN_DOMAIN, chainid, this, ballotId, voter)`, 160 bytes
     */
    function tokenMessage(uint256 ballotId, address voter) external view returns (bytes memory message);

    /**
     * @notice Whether `tokenSignature` is a valid token for `voter` in a ballot (PROTOCOL.md §3.2);
     * false for an unknown ballot. Says nothing about whether the token was used.
     * @param ballotId the ballot
     * @param voter the voter address
     * @param tokenSignature the RSA-PSS signature, 256 bytes
     * @return valid true if the signature verifies under the ballot's issuer key
     */
    function isTokenValid(
        uint256 ballotId,
        address voter,
        bytes calldata tokenSignature
    ) external view returns (bool valid);

    /**
     * @notice The EIP-712 digest the voter signs (PROTOCOL.md §4).
     * @param ballotId the ballot
     * @param revision the vote's revision
     * @param payload the encoded choice (PROTOCOL.md §5)
     * @return digest `hashTypedData(Vote(ballotId, revision, payload))` under this contract's domain
     */
    function voteDigest(
        uint256 ballotId,
        uint32 revision,
        bytes calldata payload
    ) external view returns (bytes32 digest);
}
