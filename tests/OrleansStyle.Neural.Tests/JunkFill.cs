using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.Tests;

internal static class JunkFill
{
    [ModuleInitializer]
    internal static void Enable()
    {
        if (Environment.GetEnvironmentVariable("JUNK_FILL") != "1") { return; }
        using (ones(1)) { }
        var lib = NativeLibrary.Load("libc10.so", typeof(TorchSharp.torch).Assembly, null);
        Marshal.WriteByte(NativeLibrary.GetExport(lib, "FLAGS_caffe2_cpu_allocator_do_junk_fill"), 1);
    }
}
