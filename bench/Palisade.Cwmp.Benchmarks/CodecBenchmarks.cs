using BenchmarkDotNet.Attributes;
using Palisade.Cwmp.Codec;
using Palisade.Cwmp.Envelope;
using Palisade.Cwmp.Events;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;
using Palisade.Cwmp.Values;

namespace Palisade.Cwmp.Benchmarks;

/// <summary>Parse and write of the two messages that dominate ACS traffic: a periodic Inform and a large GetParameterValuesResponse.</summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private CwmpEnvelope _inform = null!;
    private CwmpEnvelope _gpv = null!;
    private byte[] _informBytes = null!;
    private byte[] _gpvBytes = null!;

    [GlobalSetup]
    public void Setup()
    {
        var informParameters = Enumerable.Range(0, 20)
            .Select(i => new ParameterValueStruct($"Device.DeviceInfo.X_Bench.Parameter{i}", i % 2 == 0 ? ParameterValue.String($"value-{i}") : ParameterValue.UnsignedInt((uint)i)))
            .ToArray();
        _inform = CwmpEnvelope.For(CwmpVersion.V1_2, "1", new InformRequest(
            new DeviceIdStruct("Palisade Labs", "00D09E", "HGW-1000", "PLS0000001"),
            [new EventStruct(EventCodes.Periodic)],
            1,
            new DateTimeOffset(2026, 11, 25, 5, 0, 0, TimeSpan.Zero),
            0,
            informParameters));
        var gpvParameters = Enumerable.Range(0, 1000)
            .Select(i => new ParameterValueStruct($"Device.Hosts.Host.{i}.HostName", ParameterValue.String($"host-{i}.lan")))
            .ToArray();
        _gpv = CwmpEnvelope.For(CwmpVersion.V1_2, "2", new GetParameterValuesResponse(gpvParameters));
        _informBytes = CwmpWriter.ToBytes(_inform);
        _gpvBytes = CwmpWriter.ToBytes(_gpv);
    }

    [Benchmark]
    public CwmpEnvelope ParseInform() => CwmpReader.Parse(_informBytes);

    [Benchmark]
    public byte[] WriteInform() => CwmpWriter.ToBytes(_inform);

    [Benchmark]
    public CwmpEnvelope ParseGetParameterValuesResponse1000() => CwmpReader.Parse(_gpvBytes);

    [Benchmark]
    public byte[] WriteGetParameterValuesResponse1000() => CwmpWriter.ToBytes(_gpv);
}
