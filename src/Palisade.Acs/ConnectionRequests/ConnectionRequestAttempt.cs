namespace Palisade.Acs.ConnectionRequests;

/// <summary>One way a connection request was tried and how that went (fixed categories only).</summary>
public sealed record ConnectionRequestAttempt(ConnectionRequestChannel Via, ConnectionRequestReason Reason);
