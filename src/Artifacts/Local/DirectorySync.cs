using System.Runtime.InteropServices;

namespace MlOps.Orleans.Artifacts.Local;

/// <summary>
/// fsync of a folder, so a rename or a new entry that made a file visible survives a power loss too. .NET opens no folder
/// as a file, hence libc; elsewhere than Linux it does nothing. A failure throws: a write that reports success while its
/// folder entry is not durable is the failure this exists to prevent.
/// </summary>
internal static partial class DirectorySync
{
    // O_RDONLY | O_CLOEXEC, the same on every Linux architecture. O_DIRECTORY is left out because its value differs
    // (x86-64 0x10000 is O_DIRECT on arm64); fsync needs only a read-only descriptor.
    private const int ReadOnlyCloseOnExec = 0x80000;

    // EINVAL: the file system does not support fsync on this descriptor (PostgreSQL makes the same exception for folders).
    private const int NotSupported = 22;

    /// <exception cref="IOException">The folder cannot be opened or synced; the message names it and the errno.</exception>
    public static void Flush(string folder)
    {
        if (!OperatingSystem.IsLinux()) return;
        var fd = Open(folder, ReadOnlyCloseOnExec);
        if (fd < 0) throw Failure("open", folder, Marshal.GetLastPInvokeError());
        try
        {
            if (Fsync(fd) != 0 && Marshal.GetLastPInvokeError() is var errno && errno != NotSupported) throw Failure("fsync", folder, errno);
        }
        finally
        {
            _ = Close(fd); // a read-only descriptor: closing it cannot lose data
        }
    }

    private static IOException Failure(string call, string folder, int errno) =>
        new($"could not {call} folder '{folder}' to make its entries durable: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
