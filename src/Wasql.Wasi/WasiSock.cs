// sock_*: no sockets are ever granted. A descriptor that is not open gets EBADF; an open one is not a socket
// (ENOTSOCK), so guests see a consistent "no network" world.
namespace Wasql.Wasi;

public sealed partial class WasiContext
{
    private int NotASocket(int fd) => (int)(_fds.Get(fd, out _) == Errno.Success ? Errno.NotSock : Errno.BadF);

    private int SockAccept(int fd, int flags, int fdPtr) => NotASocket(fd);
    private int SockRecv(int fd, int riData, int riDataLen, int riFlags, int roDataLenPtr, int roFlagsPtr) => NotASocket(fd);
    private int SockSend(int fd, int siData, int siDataLen, int siFlags, int soDataLenPtr) => NotASocket(fd);
    private int SockShutdown(int fd, int how) => NotASocket(fd);
}
