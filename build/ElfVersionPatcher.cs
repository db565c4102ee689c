// Marks one ELF symbol-version requirement WEAK so the dynamic loader accepts a library whose
// required version the system lacks. Used at build time (MSBuild inline task below) to let
// TorchSharp 0.107's libLibTorchSharp.so load on Debian 12: it asks GLIBCXX_3.4.32 for a single,
// never-called symbol (_ZSt21ios_base_library_initv), and Debian 12's libstdc++ stops at 3.4.30.
// Kept to netstandard2.0 APIs: MSBuild's RoslynCodeTaskFactory compiles this file as it is.
using System;
using System.IO;
using System.Text;

namespace Spark3D.Build
{
    /// <summary>Outcome of a patch attempt.</summary>
    public enum ElfPatchResult { Patched, AlreadyWeak, VersionNotRequired }

    /// <summary>Raised when a file is not a 64-bit little-endian ELF or its version tables are malformed.</summary>
    public sealed class ElfFormatException : Exception
    {
        public ElfFormatException(string message) : base(message) { }
    }

    /// <summary>A minimal editor for <c>.gnu.version_r</c> (SHT_GNU_verneed) of ELF64 little-endian files.</summary>
    public static class ElfVersionPatcher
    {
        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const ushort VerFlagWeak = 0x2;

        /// <summary>True when the file's bytes contain <paramref name="version"/> as a NUL-terminated string.</summary>
        public static bool FileDefinesVersion(string path, string version)
        {
            if (!File.Exists(path)) return false;
            byte[] bytes = File.ReadAllBytes(path);
            byte[] needle = Encoding.ASCII.GetBytes(version + "\0");
            return IndexOf(bytes, needle) >= 0;
        }

        /// <summary>Sets VER_FLG_WEAK on every vernaux entry named <paramref name="version"/>.</summary>
        public static ElfPatchResult MakeVersionWeak(byte[] elf, string version)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
                throw new ElfFormatException("not an ELF file");
            if (elf[4] != 2 || elf[5] != 1) throw new ElfFormatException("only ELF64 little-endian is supported");
            ulong shoff = U64(elf, 0x28);
            int shentsize = U16(elf, 0x3A);
            int shnum = U16(elf, 0x3C);
            if (shentsize < 64 || shoff == 0 || shoff + (ulong)shentsize * (ulong)shnum > (ulong)elf.Length)
                throw new ElfFormatException("section header table out of range");

            bool found = false, changed = false;
            for (int s = 0; s < shnum; s++)
            {
                int sh = checked((int)shoff + s * shentsize);
                if (U32(elf, sh + 4) != ShtGnuVerneed) continue;
                long off = (long)U64(elf, sh + 0x18);
                long size = (long)U64(elf, sh + 0x20);
                int link = (int)U32(elf, sh + 0x28);
                int count = (int)U32(elf, sh + 0x2C);
                if (off < 0 || off + size > elf.Length || link >= shnum) throw new ElfFormatException(".gnu.version_r out of range");
                int strSh = checked((int)shoff + link * shentsize);
                long strOff = (long)U64(elf, strSh + 0x18);
                long strSize = (long)U64(elf, strSh + 0x20);
                if (strOff < 0 || strOff + strSize > elf.Length) throw new ElfFormatException("version string table out of range");

                long vn = off;
                for (int n = 0; n < count; n++)
                {
                    if (vn + 16 > off + size) throw new ElfFormatException("verneed entry out of range");
                    int cnt = U16(elf, (int)vn + 2);
                    long aux = vn + U32(elf, (int)vn + 8);
                    for (int a = 0; a < cnt; a++)
                    {
                        if (aux + 16 > off + size) throw new ElfFormatException("vernaux entry out of range");
                        long name = strOff + U32(elf, (int)aux + 8);
                        if (name >= strOff + strSize) throw new ElfFormatException("version name out of range");
                        if (CStringEquals(elf, name, version))
                        {
                            found = true;
                            int flagsAt = (int)aux + 4;
                            ushort flags = (ushort)U16(elf, flagsAt);
                            if ((flags & VerFlagWeak) == 0)
                            {
                                flags |= VerFlagWeak;
                                elf[flagsAt] = (byte)(flags & 0xff);
                                elf[flagsAt + 1] = (byte)(flags >> 8);
                                changed = true;
                            }
                        }
                        uint next = U32(elf, (int)aux + 12);
                        if (next == 0) break;
                        aux += next;
                    }
                    uint vnNext = U32(elf, (int)vn + 12);
                    if (vnNext == 0) break;
                    vn += vnNext;
                }
            }
            if (!found) return ElfPatchResult.VersionNotRequired;
            return changed ? ElfPatchResult.Patched : ElfPatchResult.AlreadyWeak;
        }

        /// <summary>Patches <paramref name="path"/> in place via temp file + rename (never writes through a hard link).</summary>
        public static ElfPatchResult PatchFile(string path, string version)
        {
            byte[] bytes = File.ReadAllBytes(path);
            ElfPatchResult result = MakeVersionWeak(bytes, version);
            if (result != ElfPatchResult.Patched) return result;
            string tmp = path + ".weak-tmp";
            File.WriteAllBytes(tmp, bytes);
            File.Copy(tmp, path, true);
            File.Delete(tmp);
            return result;
        }

        private static bool CStringEquals(byte[] b, long at, string s)
        {
            if (at + s.Length >= b.Length) return false;
            for (int i = 0; i < s.Length; i++)
                if (b[at + i] != (byte)s[i]) return false;
            return b[at + s.Length] == 0;
        }

        private static int IndexOf(byte[] hay, byte[] needle)
        {
            for (int i = 0; i + needle.Length <= hay.Length; i++)
            {
                if (hay[i] != needle[0]) continue;
                int k = 1;
                while (k < needle.Length && hay[i + k] == needle[k]) k++;
                if (k == needle.Length) return i;
            }
            return -1;
        }

        private static int U16(byte[] b, int o) => b[o] | (b[o + 1] << 8);
        private static uint U32(byte[] b, int o) => (uint)(b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24));
        private static ulong U64(byte[] b, int o) => U32(b, o) | ((ulong)U32(b, o + 4) << 32);
    }

#if !SPARK3D_NO_MSBUILD_TASK
    /// <summary>MSBuild task: weakens <c>Version</c> in each of <c>Files</c> when <c>SystemLibrary</c> lacks it.</summary>
    public sealed class WeakenElfVersion : Microsoft.Build.Utilities.Task
    {
        [Microsoft.Build.Framework.Required] public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();
        [Microsoft.Build.Framework.Required] public string Version { get; set; } = "";
        public string SystemLibrary { get; set; } = "";

        public override bool Execute()
        {
            if (!string.IsNullOrEmpty(SystemLibrary) && ElfVersionPatcher.FileDefinesVersion(SystemLibrary, Version))
            {
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, $"{SystemLibrary} provides {Version}: no patch needed.");
                return true;
            }
            foreach (var item in Files)
            {
                try
                {
                    var r = ElfVersionPatcher.PatchFile(item.ItemSpec, Version);
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal, $"{item.ItemSpec}: {r} ({Version} weak)");
                }
                catch (Exception e) when (e is ElfFormatException || e is IOException)
                {
                    Log.LogError($"Could not patch {item.ItemSpec}: {e.Message}");
                }
            }
            return !Log.HasLoggedErrors;
        }
    }
#endif
}
