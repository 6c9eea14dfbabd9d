// Compiled by MSBuild's RoslynCodeTaskFactory (see LibTorchSharpCompat.targets) against netstandard,
// so it keeps to netstandard 2.0 APIs and plain C# 7 syntax.
using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace OrleansStyle.Build
{

    /// <summary>
    /// Marks one symbol-version requirement of ELF shared objects as weak (VER_FLG_WEAK in the
    /// .gnu.version_r auxiliary entry) when the host's libstdc++ does not define that version.
    /// libLibTorchSharp.so asks for GLIBCXX_3.4.32 only for a symbol no relocation uses, so a weak
    /// requirement lets it load on Debian 12 (GCC 12) while hosts with a newer libstdc++ are left alone.
    /// </summary>
    public sealed class WeakenVersionNeed : Task
    {
        [Required]
        public ITaskItem[] Files { get; set; }

        [Required]
        public string VersionName { get; set; }

        [Required]
        public string Library { get; set; }

        public override bool Execute()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || Files == null || Files.Length == 0)
            {
                return true;
            }

            var hostLibrary = ElfVersionNeeds.FindHostLibrary(Library);
            if (hostLibrary != null && ElfVersionNeeds.LibraryDefinesVersion(hostLibrary, VersionName))
            {
                Log.LogMessage(MessageImportance.Low, $"{hostLibrary} defines {VersionName}; native libraries left as shipped.");
                return true;
            }

            foreach (var item in Files)
            {
                var path = item.ItemSpec;
                try
                {
                    var outcome = ElfVersionNeeds.MarkWeak(path, Library, VersionName);
                    Log.LogMessage(MessageImportance.Normal, $"{Path.GetFileName(path)}: {VersionName} requirement {outcome} (host libstdc++ lacks it).");
                }
                catch (Exception ex) when (ex is IOException || ex is InvalidDataException || ex is UnauthorizedAccessException)
                {
                    Log.LogError($"Could not mark {VersionName} weak in {path}: {ex.Message}");
                }
            }

            return !Log.HasLoggedErrors;
        }
    }

    public enum WeakenOutcome
    {
        MarkedWeak,
        AlreadyWeak,
        NotRequired,
    }

    /// <summary>Minimal ELF64 little-endian reader/writer for the .gnu.version_r section.</summary>
    public static class ElfVersionNeeds
    {
        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const ushort VerFlagWeak = 0x2;

        private static readonly string[] LibraryDirectories =
        {
            "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu",
            "/usr/lib64", "/lib64", "/usr/lib", "/lib",
        };

        public static string FindHostLibrary(string soname)
        {
            foreach (var directory in LibraryDirectories)
            {
                var candidate = Path.Combine(directory, soname);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            return null;
        }

        /// <summary>A library defines a version when its name is in its string tables as a NUL-terminated string.</summary>
        public static bool LibraryDefinesVersion(string libraryPath, string versionName)
        {
            var needle = Encoding.ASCII.GetBytes(versionName + "\0");
            var bytes = File.ReadAllBytes(libraryPath);
            for (var i = 1; i + needle.Length <= bytes.Length; i++)
            {
                if (bytes[i - 1] == 0 && bytes[i] == needle[0] && Matches(bytes, i, needle))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool Matches(byte[] bytes, int offset, byte[] needle)
        {
            for (var j = 0; j < needle.Length; j++)
            {
                if (bytes[offset + j] != needle[j])
                {
                    return false;
                }
            }

            return true;
        }

        public static WeakenOutcome MarkWeak(string path, string library, string versionName)
        {
            var bytes = File.ReadAllBytes(path);
            var offset = FindAuxEntry(bytes, library, versionName);
            if (offset < 0)
            {
                return WeakenOutcome.NotRequired;
            }

            var flags = BitConverter.ToUInt16(bytes, offset + 4);
            if ((flags & VerFlagWeak) != 0)
            {
                return WeakenOutcome.AlreadyWeak;
            }

            var weak = (ushort)(flags | VerFlagWeak);
            bytes[offset + 4] = (byte)(weak & 0xFF);
            bytes[offset + 5] = (byte)(weak >> 8);

            // Write beside and move, so a hard link into the NuGet cache is never modified in place.
            var temporary = path + ".weak-tmp";
            File.WriteAllBytes(temporary, bytes);
            File.Delete(path);
            File.Move(temporary, path);
            return WeakenOutcome.MarkedWeak;
        }

        /// <summary>Offset of the Elf64_Vernaux entry naming versionName under the Elf64_Verneed of library, or -1.</summary>
        private static int FindAuxEntry(byte[] elf, string library, string versionName)
        {
            if (elf.Length < 64 || elf[0] != 0x7F || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            {
                throw new InvalidDataException("not an ELF file");
            }

            if (elf[4] != 2 || elf[5] != 1)
            {
                throw new InvalidDataException("only 64-bit little-endian ELF files are supported");
            }

            var sectionHeaders = checked((int)BitConverter.ToUInt64(elf, 0x28));
            var sectionHeaderSize = BitConverter.ToUInt16(elf, 0x3A);
            var sectionCount = BitConverter.ToUInt16(elf, 0x3C);

            for (var i = 0; i < sectionCount; i++)
            {
                var header = sectionHeaders + (i * sectionHeaderSize);
                if (BitConverter.ToUInt32(elf, header + 4) != ShtGnuVerneed)
                {
                    continue;
                }

                var sectionOffset = checked((int)BitConverter.ToUInt64(elf, header + 0x18));
                var stringTableIndex = BitConverter.ToUInt32(elf, header + 0x28);
                var entryCount = BitConverter.ToUInt32(elf, header + 0x2C);
                var stringTableHeader = sectionHeaders + checked((int)(stringTableIndex * sectionHeaderSize));
                var strings = checked((int)BitConverter.ToUInt64(elf, stringTableHeader + 0x18));

                var need = sectionOffset;
                for (var n = 0; n < entryCount; n++)
                {
                    var auxCount = BitConverter.ToUInt16(elf, need + 2);
                    var file = ReadString(elf, strings + checked((int)BitConverter.ToUInt32(elf, need + 4)));
                    if (file == library)
                    {
                        var aux = need + checked((int)BitConverter.ToUInt32(elf, need + 8));
                        for (var a = 0; a < auxCount; a++)
                        {
                            var name = ReadString(elf, strings + checked((int)BitConverter.ToUInt32(elf, aux + 8)));
                            if (name == versionName)
                            {
                                return aux;
                            }

                            aux += checked((int)BitConverter.ToUInt32(elf, aux + 12));
                        }
                    }

                    var next = BitConverter.ToUInt32(elf, need + 12);
                    if (next == 0)
                    {
                        break;
                    }

                    need += checked((int)next);
                }
            }

            return -1;
        }

        private static string ReadString(byte[] elf, int offset)
        {
            var end = Array.IndexOf(elf, (byte)0, offset);
            return Encoding.ASCII.GetString(elf, offset, end - offset);
        }
    }
}
