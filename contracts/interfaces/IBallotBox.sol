// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.30;

/**
 * @title IBallotBox
 * @notice The urne ballot box: ballots, one-time voting tokens (blind RSA-PSS), EIP-712 votes,
 * on-chain counts, and sealed ballots (encrypted choices, counts opened off chain by trustees).
 * Every format is specified in docs/PROTOCOL.md §2-§6 and §11; this interface
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
    /// does not hide them (v1 payloads are public), so {tally} is always readable, except for a sealed ballot
    /// ({createSealedBallot}), which has no counts on chain and requires `liveResults` false.
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

    /// @dev The sealed part of a ballot (PROTOCOL.md §11.9), {createSealedBallot}'s second argument; emitted in
    /// full by {BallotSealed}. `electionKey` is the election key Y (SEC1 compressed, 33 bytes) made by the trustees'
    /// key ceremony, whose transcript `keyCeremonyDigest` names; `threshold` of the `trustees` open a tally. The
    /// contract checks the shapes only: it cannot check that Y is on the curve nor anything of the ceremony
    /// (no secp256k1 arithmetic on the EVM); the widget, the trustees and every observer do.
    struct SealedParams {
        bytes electionKey;
        bytes32 keyCeremonyDigest;
        address[] trustees;
        uint8 threshold;
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

    // ----- createSealedBallot (PROTOCOL.md §6.1, §11.9), after every check of createBallot -----

    /// @dev A sealed ballot has no counts to show before its close: `liveResults` must be false.
    error BallotBoxSealedLiveResults();
    /// @dev The sealed payload would have more than `maxCells` cells (`cells`: N − 1 for SingleChoice, N for
    /// MultipleChoice, 5·N for MajorityJudgment).
    error BallotBoxTooManySealedCells(uint256 cells, uint256 maxCells);
    /// @dev The election key is not 33 bytes starting with 0x02 or 0x03 (`prefix`: its first byte, 0 if empty).
    error BallotBoxInvalidElectionKey(uint256 length, bytes1 prefix);
    /// @dev The number of trustees is outside `1..maxCount`.
    error BallotBoxInvalidTrusteeCount(uint256 count, uint256 maxCount);
    /// @dev The threshold is outside `1..trusteeCount`.
    error BallotBoxInvalidThreshold(uint8 threshold, uint256 trusteeCount);
    /// @dev Trustee `index` is the zero address, or an address named earlier in the list.
    error BallotBoxInvalidTrustee(uint256 index, address trustee);

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

    // ----- sealed ballots: views and decryption shares (PROTOCOL.md §11.9) -----

    /// @dev The ballot is sealed: the chain keeps no counts of it ({tally}); trustees decrypt them off chain.
    error BallotBoxSealed(uint256 ballotId);
    /// @dev The ballot is not sealed: it has no trackers ({trackerOf}).
    error BallotBoxNotSealed(uint256 ballotId);
    /// @dev `account` is not one of the ballot's trustees (none for a ballot that is not sealed).
    error BallotBoxNotTrustee(uint256 ballotId, address account);
    /// @dev The ballot is still open: not closed early and `block.timestamp < closesAt`.
    error BallotBoxNotClosed(uint256 ballotId, uint64 closesAt);
    /// @dev `trustee` has already submitted its decryption share of the ballot.
    error BallotBoxShareAlreadySubmitted(uint256 ballotId, address trustee);
    /// @dev A decryption share is `33·cells + 64` bytes (`expectedLength`) for the ballot's cells.
    error BallotBoxInvalidShareLength(uint256 length, uint256 expectedLength);

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
    /// @dev The ballot just created ({BallotCreated}, same transaction, just before) is sealed under `electionKey`;
    /// `threshold` of `trustees` open its tally (PROTOCOL.md §11.9).
    event BallotSealed(
        uint256 indexed ballotId,
        bytes electionKey,
        bytes32 keyCeremonyDigest,
        address[] trustees,
        uint8 threshold
    );
    /// @dev `trustee` posted its decryption share of the tally named by `tallyDigest` (PROTOCOL.md §11.6); the
    /// contract checked its length only, not its proof.
    event DecryptionShareSubmitted(uint256 indexed ballotId, address indexed trustee, bytes32 tallyDigest, bytes share);

    // ----- functions -----

    /**
     * @notice Creates a ballot; the caller (ORGANIZER_ROLE) becomes its organizer (PROTOCOL.md §6.1).
     * @param params the ballot's parameters, emitted in full by {BallotCreated}
     * @return ballotId the new ballot's id, sequential from 1
     */
    function createBallot(BallotParams calldata params) external returns (uint256 ballotId);

    /**
     * @notice Creates a sealed ballot (PROTOCOL.md §11.9): every check of {createBallot}, then those of the sealed
     * part; emits {BallotCreated} as {createBallot} does, then {BallotSealed}. Its votes carry sealed payloads, of
     * which the contract checks the length and the version byte only: the proofs are checked off chain (the relay,
     * the trustees, every observer), and a vote's record keeps its tracker instead of a count.
     * @param params the ballot's parameters, `liveResults` false
     * @param sealedParams the election key, its ceremony's digest, the trustees (at most MAX_TRUSTEES, distinct,
     * non-zero) and the threshold (1 to the number of trustees)
     * @return ballotId the new ballot's id, in the same sequence as {createBallot}'s
     */
    function createSealedBallot(
        BallotParams calldata params,
        SealedParams calldata sealedParams
    ) external returns (uint256 ballotId);

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
     * @notice Posts the caller's decryption share of a sealed ballot's tally (PROTOCOL.md §11.6): by one of the
     * trustees named at creation, once the ballot is closed (early or by time), once per trustee; or once by the
     * ballot's organizer, whose share is the operator's when the key ceremony has an operator's key (§11.7: readers
     * need it then, and ignore it otherwise; the transcript, named by its digest, says which). The contract
     * checks the share's length (`33·cells + 64` bytes: `D_1 ‖ … ‖ D_K ‖ c ‖ v`) and nothing else: it cannot
     * check the share's Chaum-Pedersen proof (no secp256k1 arithmetic on the EVM) nor `tallyDigest`. Whoever
     * opens the tally checks each share's proof and leaves out those that fail (a trustee cannot replace one).
     * @param ballotId the sealed ballot
     * @param tallyDigest what the share is a share of (the counted ballots and their aggregates)
     * @param share the encoded share
     */
    function submitDecryptionShare(uint256 ballotId, bytes32 tallyDigest, bytes calldata share) external;

    /**
     * @notice The stored state of a ballot; reverts with {BallotBoxUnknownBallot} if it does not exist.
     * @param ballotId the ballot
     * @return info schedule, kind, bounds, flags, organizer, closing record, counts and issuer modulus
     */
    function ballot(uint256 ballotId) external view returns (BallotInfo memory info);

    /**
     * @notice Current counts (PROTOCOL.md §6.3): votes per option, or for MajorityJudgment
     * `counts[candidate * MJ_GRADE_COUNT + grade]`. Reverts with {BallotBoxSealed} for a sealed ballot.
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
     * @notice The tracker of `voter`'s counted sealed ballot (PROTOCOL.md §11.9): the low 192 bits of
     * `keccak256(payload)`, i.e. its last 24 bytes; zero if `voter` has no counted vote. Reverts with
     * {BallotBoxNotSealed} for a ballot that is not sealed.
     * @param ballotId the sealed ballot
     * @param voter the voter address
     * @return tracker `bytes24(uint192(uint256(keccak256(payload))))` of the latest revision counted
     */
    function trackerOf(uint256 ballotId, address voter) external view returns (bytes24 tracker);

    /**
     * @notice Whether a ballot is sealed, and its threshold and number of trustees (both 0 if not sealed).
     * The election key, ceremony digest and trustees' addresses are in its {BallotSealed} event.
     * @param ballotId the ballot
     * @return isSealed true if created by {createSealedBallot}
     * @return threshold how many trustees' shares open the tally
     * @return trusteeCount how many trustees were named
     */
    function sealing(uint256 ballotId) external view returns (bool isSealed, uint8 threshold, uint8 trusteeCount);

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
