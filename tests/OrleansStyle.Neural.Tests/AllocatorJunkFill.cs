using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.Tests;

/// <summary>
/// Makes libtorch fill every new CPU buffer with junk (its <c>caffe2_cpu_allocator_do_junk_fill</c> flag) for this
/// test assembly, so a kernel that reads memory nobody wrote yields NaN on every call and every machine, instead
/// of whatever the heap held: oneDNN's backward-data on partial channel blocks (see BlockAlignedConvolution)
/// passed or failed by luck of the machine before.
/// </summary>
internal static class AllocatorJunkFill
{
    public static bool Enabled { get; private set; }

    [ModuleInitializer]
    internal static void Enable()
    {
        using (ones(1))
        {
            // Loads libtorch, so the flag below is the one its allocator reads.
        }

        var c10 = NativeLibrary.Load("libc10.so", typeof(TorchSharp.torch).Assembly, null);
        if (NativeLibrary.TryGetExport(c10, "FLAGS_caffe2_cpu_allocator_do_junk_fill", out var flag))
        {
            Marshal.WriteByte(flag, 1);
            Enabled = true;
        }
    }
}
