using System.Text;
using Palisade.Cwmp.Codec;
using Palisade.Cwmp.Envelope;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Tests.Support;

namespace Palisade.Cwmp.Tests.Codec;

/// <summary>A thread keeps its parser name table between parses, but never one a body has filled with names of its own.</summary>
public sealed class ReusedNameTableTests
{
    [Fact]
    public void A_table_is_kept_for_the_next_parse_until_it_holds_too_many_names()
    {
        var table = ReusedNameTable.Rent();
        var kept = table.Add("X_Vendor_Kept");
        ReusedNameTable.Return(table);
        var again = ReusedNameTable.Rent();
        Assert.Same(table, again);
        Assert.Same(kept, again.Get("X_Vendor_Kept"));

        for (var i = 0; i <= ReusedNameTable.MaxNames; i++)
        {
            again.Add("Name" + i);
        }

        ReusedNameTable.Return(again);
        var fresh = ReusedNameTable.Rent();
        Assert.NotSame(again, fresh);
        Assert.Null(fresh.Get("Name1"));
        ReusedNameTable.Return(fresh);
    }

    // A body full of names of its own choosing (skipped, unknown elements inside the DeviceId) parses, and so do
    // the bodies after it, on the same thread.
    [Fact]
    public void Parses_after_a_body_full_of_unknown_names_read_correctly()
    {
        var inform = Encoding.UTF8.GetString(CwmpWriter.ToBytes(CwmpEnvelope.For(CwmpVersion.V1_2, "1", Samples.Inform(3))));
        var junk = string.Concat(Enumerable.Range(0, 2 * ReusedNameTable.MaxNames).Select(i => $"<x{i}>v</x{i}>"));
        var at = inform.IndexOf("<SerialNumber>", StringComparison.Ordinal);
        var hostile = inform.Insert(at, junk);

        for (var round = 0; round < 3; round++)
        {
            var parsed = (InformRequest)CwmpReader.Parse(Encoding.UTF8.GetBytes(hostile)).Body!;
            Assert.Equal(Samples.Inform(3).DeviceId, parsed.DeviceId);
            Assert.Equal(Samples.Inform(3), CwmpReader.Parse(Encoding.UTF8.GetBytes(inform)).Body);
        }
    }
}
