package classify

// slabs allocates values of one type in blocks and names each by a
// number (from 1; 0 is none). The flow table refers to flows and their
// duplicate-suppression rings by these four-byte numbers rather than by
// pointers: the index and the timeout lists then hold no pointers, and the
// garbage collector does not trace millions of them. Values are never
// freed, only reused (release), so a block never pins memory that would
// otherwise be returned.
type slabs[T any] struct {
	blocks [][]T
	n      uint32   // values handed out, ever
	free   []uint32 // released values, reused first
}

// slabBits sets the values a block holds: 1024, one object for the
// allocator rather than a thousand. A block is a large object, rounded up
// to whole 8 KiB pages: 1024 Flows (216 bytes) or dupRings (56 bytes) fill
// their pages exactly, where 256 Flows wasted 4%.
const slabBits = 10

// alloc returns a zeroed value and its number.
func (s *slabs[T]) alloc() (uint32, *T) {
	if n := len(s.free); n > 0 {
		id := s.free[n-1]
		s.free = s.free[:n-1]
		v := s.at(id)
		var zero T
		*v = zero
		return id, v
	}
	if s.n&(1<<slabBits-1) == 0 {
		s.blocks = append(s.blocks, make([]T, 1<<slabBits))
	}
	s.n++
	return s.n, s.at(s.n)
}

// at returns value id (not 0).
func (s *slabs[T]) at(id uint32) *T {
	id--
	return &s.blocks[id>>slabBits][id&(1<<slabBits-1)]
}

// release lets value id be reused.
func (s *slabs[T]) release(id uint32) { s.free = append(s.free, id) }
