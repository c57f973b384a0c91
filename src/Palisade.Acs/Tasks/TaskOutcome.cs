using Palisade.Acs.ConnectionRequests;
using Palisade.Acs.Storage;

namespace Palisade.Acs.Tasks;

/// <summary>A queued task as it stands when the call returns, with the connection request's outcome if one was made.</summary>
public sealed record TaskOutcome(DeviceTask Task, ConnectionRequestOutcome? ConnectionRequest);
