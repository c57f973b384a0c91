using Palisade.Acs.Devices;

namespace Palisade.Acs.Provisioning;

/// <summary>
/// What preset matching looks at for one session: the device, the Inform's events, its tags and its parameters (the
/// cached ones and what the session learned), and the time.
/// </summary>
/// <param name="Device">The device as the session holds it (id and registry fields, for <c>id</c>, <c>softwareVersion</c>,
/// … in a precondition).</param>
/// <param name="Events">The event codes of the Inform that opened the session, e.g. <c>0 BOOTSTRAP</c>, <c>1 BOOT</c>.</param>
/// <param name="Tags">The device's tags.</param>
/// <param name="Parameter">A parameter's value by full path (<c>InternetGatewayDevice.DeviceInfo.ProductClass</c>), or null
/// when the device has no such parameter or it was never read.</param>
/// <param name="Now">The session's time (schedules are matched against it).</param>
public sealed record PresetContext(Device Device, IReadOnlyList<string> Events, IReadOnlySet<string> Tags, Func<string, string?> Parameter, DateTimeOffset Now);
