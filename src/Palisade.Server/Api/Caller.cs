using Palisade.Acs.Access;
using Palisade.Acs.Query;

namespace Palisade.Server.Api;

/// <summary>Who is calling the API: an API key or a logged-in user, with a role and an optional device scope.</summary>
internal sealed record Caller(string Actor, string Role, Filter? DeviceScope, string? DeviceScopeText)
{
    public bool Can(Permission permission) => Roles.Allows(Role, permission);
}
