namespace Palisade.Acs.Access;

/// <summary>A successful login: the session token (shown once), when it expires and the user's role.</summary>
public sealed record SignInResult(string Token, DateTimeOffset Expires, string Role);
