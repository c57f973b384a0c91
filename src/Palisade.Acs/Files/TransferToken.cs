namespace Palisade.Acs.Files;

/// <summary>What a file-server token says on its face; it proves nothing until <see cref="TransferTokens.Verify"/> says so.</summary>
/// <param name="Upload">True for a configuration upload, false for a download.</param>
/// <param name="Plaintext">True when the token was made for the plaintext file listener (a device the posture lists as plaintext).</param>
/// <param name="TaskId">The task the transfer belongs to (its device, file and state are read from the store).</param>
/// <param name="ExpiresAt">When it stops working.</param>
/// <param name="Text">The token as it appears in the URL.</param>
public sealed record TransferToken(bool Upload, bool Plaintext, long TaskId, DateTimeOffset ExpiresAt, string Text);
